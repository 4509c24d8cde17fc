// Metrics: exact integrals of piecewise-constant allocation, statistics, job counts.
#include <doctest/doctest.h>

#include "sim/measure/metrics.hpp"

using namespace fleetsim;

TEST_CASE("allocation integrals are exact over piecewise-constant intervals") {
  ClusterState c;
  c.add_node("n0", 0, 10000, 1000, 4, 0);  // 4000 milli-GPU
  UtilizationObserver u(c, true);
  // [0,10): idle. [10,30): 2 GPUs + 2500 mCPU. [30,35): 2.5 GPUs. [35,50): 0.5 GPU.
  u.observe(0, 0, 0);
  Allocation a{0, 2500, 100, {{0, 1000}, {1, 1000}}};
  Allocation b{0, 0, 0, {{2, 500}}};
  c.allocate(a);
  u.observe(10, 0, 1);
  c.allocate(b);
  u.observe(30, 0, 2);
  c.release(a);
  u.observe(35, 0, 1);
  c.release(b);
  u.observe(50, 0, 0);
  u.finish(50);
  CHECK(u.gpu_milli_seconds() == doctest::Approx(2000.0 * 20 + 2500.0 * 5 + 500.0 * 15));
  CHECK(u.cpu_milli_seconds() == doctest::Approx(2500.0 * 25));
  CHECK(u.mem_mib_seconds() == doctest::Approx(100.0 * 25));
  REQUIRE(u.series().size() == 5);
  CHECK(u.series()[2].gpu_alloc_milli == 2500);
  CHECK(u.series()[2].free_whole_gpus == 1);
  CHECK(u.series()[1].running_jobs == 1);
}

TEST_CASE("the window starts at zero even when the first event is later, and ends at finish()") {
  ClusterState c;
  c.add_node("n0", 0, 1000, 1000, 1, 0);
  UtilizationObserver u(c, true);
  c.allocate({0, 0, 0, {{0, 1000}}});
  u.observe(100, 0, 1);
  u.finish(300);  // a horizon beyond the last event: the state holds until then
  CHECK(u.gpu_milli_seconds() == doctest::Approx(1000.0 * 200));
  REQUIRE(u.series().size() == 2);
  CHECK(u.series()[0].time_s == 0);
  CHECK(u.series()[0].gpu_alloc_milli == 0);
  std::vector<Job> jobs(1);
  jobs[0].id = "x";
  jobs[0].submit_s = 100;
  std::vector<JobRecord> recs(1);
  recs[0].status = JobStatus::running;
  recs[0].start_s = 100;
  const auto m = compute_metrics(c, jobs, recs, u);
  CHECK(m["gpu_alloc_ratio"].get<double>() == doctest::Approx(200.0 / 300.0));
  CHECK(m["jobs"]["running_at_horizon"] == 1);
  CHECK(m["window_s"] == 300.0);
}

TEST_CASE("stats: nearest-rank percentiles, mean and max") {
  std::vector<double> v;
  for (int i = 1; i <= 200; ++i) v.push_back(i);
  const auto s = compute_stats(v);
  CHECK(s.count == 200);
  CHECK(s.mean == 100.5);
  CHECK(s.p50 == 100);
  CHECK(s.p95 == 190);
  CHECK(s.p99 == 198);
  CHECK(s.max == 200);
  const auto one = compute_stats({7});
  CHECK(one.p50 == 7);
  CHECK(one.p99 == 7);
  const auto none = compute_stats({});
  CHECK(none.count == 0);
  CHECK(none.max == 0);
}

TEST_CASE("job counts, waits and makespan from records") {
  ClusterState c;
  c.add_node("n0", 0, 1000, 1000, 1, 0);
  UtilizationObserver u(c, false);
  u.observe(0, 0, 0);
  u.finish(40);
  std::vector<Job> jobs(4);
  for (int i = 0; i < 4; ++i) jobs[i].id = std::to_string(i);
  jobs[0].submit_s = 0, jobs[0].duration_s = 10;
  jobs[1].submit_s = 5, jobs[1].duration_s = 10;
  jobs[2].submit_s = 6;
  jobs[3].submit_s = 7;
  std::vector<JobRecord> r(4);
  r[0] = {JobStatus::completed, 0, 10, {}};
  r[1] = {JobStatus::completed, 25, 35, {}};
  r[2] = {JobStatus::unplaceable, -1, 6, {}};
  r[3] = {JobStatus::pending, -1, -1, {}};
  const auto m = compute_metrics(c, jobs, r, u);
  CHECK(m["jobs"]["completed"] == 2);
  CHECK(m["jobs"]["unplaceable"] == 1);
  CHECK(m["jobs"]["pending_at_horizon"] == 1);
  CHECK(m["wait_s"]["mean"] == 10.0);
  CHECK(m["wait_s"]["max"] == 20.0);
  CHECK(m["jct_s"]["p50"] == 10.0);
  CHECK(m["jct_s"]["max"] == 30.0);
  CHECK(m["slowdown"]["max"] == 3.0);
  CHECK(m["makespan_s"] == 35.0);
}
