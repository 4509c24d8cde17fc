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
  // Job 3 still waits at the end (40): censored, counted with its wait so far, 40 - 7 = 33.
  // Waits {0, 20, 33}: mean 53 / 3, max 33 (before censoring: {0, 20}, mean 10, max 20).
  CHECK(m["wait_s"]["count"] == 3);
  CHECK(m["wait_s"]["censored_jobs"] == 1);
  CHECK(m["wait_s"]["mean"].get<double>() == doctest::Approx(53.0 / 3.0));
  CHECK(m["wait_s"]["max"] == 33.0);
  CHECK(m["jct_s"]["p50"] == 10.0);
  CHECK(m["jct_s"]["max"] == 30.0);
  CHECK(m["slowdown"]["max"] == 3.0);
  CHECK(m["makespan_s"] == 35.0);
}

TEST_CASE("metrics window: integrals, busy time and statistics restricted to the window") {
  ClusterState c;
  c.add_node("n0", 0, 1000, 1000, 2, 0);  // 2000 milli-GPU
  UtilizationObserver u(c, false);
  u.set_window(20, 60);
  // One GPU allocated on [10, 50), busy on [15, 50); a second on [40, 100).
  u.observe(0, 0, 0);
  Allocation a{0, 0, 0, {{0, 1000}}}, b{0, 0, 0, {{1, 1000}}};
  c.allocate(a);
  u.observe(10, 0, 1);
  u.add_busy(0, 1000, 15);
  u.observe(15, 0, 1);
  c.allocate(b);
  u.observe(40, 0, 2);
  u.add_busy(0, -1000, 50);
  c.release(a);
  u.observe(50, 0, 1);
  c.release(b);
  u.observe(100, 0, 0);
  u.finish(100);
  CHECK(u.window_start() == 20);
  CHECK(u.window_end() == 60);
  // In [20, 60): a holds 30 s, b holds 20 s; a busy 30 s.
  CHECK(u.gpu_milli_seconds() == doctest::Approx(1000.0 * 30 + 1000.0 * 20));
  CHECK(u.gpu_busy_milli_seconds() == doctest::Approx(1000.0 * 30));
  CHECK(u.job_busy_milli_seconds(0) == doctest::Approx(1000.0 * 30));

  std::vector<Job> jobs(3);
  for (int i = 0; i < 3; ++i) jobs[i].id = std::to_string(i);
  jobs[0].submit_s = 5, jobs[0].duration_s = 40;   // before the window: left out of the statistics
  jobs[1].submit_s = 30, jobs[1].duration_s = 60;  // in the window
  jobs[2].submit_s = 60, jobs[2].duration_s = 1;   // at the end (excluded)
  std::vector<JobRecord> r(3);
  r[0] = {JobStatus::completed, 10, 50, a};
  r[1] = {JobStatus::completed, 40, 100, b};
  r[2] = {JobStatus::pending, -1, -1, {}};
  account_gpu_time(r, u, 100);
  CHECK(static_cast<double>(r[0].gpu_alloc_milli_s) == doctest::Approx(1000.0 * 30));
  CHECK(static_cast<double>(r[1].gpu_alloc_milli_s) == doctest::Approx(1000.0 * 20));
  const auto m = compute_metrics(c, jobs, r, u);
  CHECK(m["window_s"] == 40.0);
  CHECK(m["gpu_alloc_ratio"].get<double>() == doctest::Approx(50000.0 / (2000.0 * 40)));
  CHECK(m["gpu_busy_ratio"].get<double>() == doctest::Approx(30000.0 / (2000.0 * 40)));
  CHECK(m["window"]["start_s"] == 20.0);
  CHECK(m["window"]["end_s"] == 60.0);
  CHECK(m["window"]["jobs_submitted"] == 1);
  CHECK(m["jobs"]["total"] == 3);  // counts stay over the whole run
  CHECK(m["jobs"]["completed"] == 2);
  CHECK(m["wait_s"]["count"] == 1);
  CHECK(m["wait_s"]["max"] == 10.0);
  CHECK(m["wait_s"]["censored_jobs"] == 0);
  CHECK(m["jct_s"]["max"] == 70.0);
}

TEST_CASE("metrics window: an end beyond the run is capped at its end, and no window means the whole run") {
  ClusterState c;
  c.add_node("n0", 0, 1000, 1000, 1, 0);
  UtilizationObserver u(c, false);
  u.set_window(10, 1e9);
  c.allocate({0, 0, 0, {{0, 1000}}});
  u.observe(0, 0, 1);
  u.finish(30);
  CHECK(u.window_length() == 20);
  CHECK(u.gpu_milli_seconds() == doctest::Approx(1000.0 * 20));
  UtilizationObserver w(c, false);
  w.observe(0, 0, 1);
  w.finish(30);
  CHECK_FALSE(w.windowed());
  CHECK(w.window_length() == 30);
  CHECK(w.gpu_milli_seconds() == doctest::Approx(1000.0 * 30));
}
