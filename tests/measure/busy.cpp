// Busy-time accounting: a job's whole allocation (or all its parts) busy from start to stop,
// pipeline changes passed through, nothing for jobs without GPUs.
#include <doctest/doctest.h>

#include <utility>
#include <vector>

#include "sim/measure/busy.hpp"

using namespace fleetsim;

namespace {
Allocation alloc(std::int64_t cpu_milli, std::vector<GpuShare> gpus) {
  Allocation a;
  a.node = 0;
  a.cpu_milli = cpu_milli;
  a.gpus = std::move(gpus);
  return a;
}
} // namespace

TEST_CASE("a job without stages keeps its whole allocation busy from start to stop") {
  ClusterState c;
  c.add_node("n0", 0, 10000, 1000, 4, 0);
  UtilizationObserver u(c, false);
  BusyAccounting b(u, 2);
  JobRecord r;
  r.alloc = alloc(1000, {{0, 1000}, {1, 500}});
  c.allocate(r.alloc);
  u.observe(0, 0, 1);
  b.start(0, r, 10);
  CHECK(u.busy_milli() == 1500);
  b.stop(0, 30);
  CHECK(u.busy_milli() == 0);
  b.stop(0, 40);  // once only
  CHECK(u.busy_milli() == 0);
  b.stop(1, 40);  // never started
  CHECK(u.busy_milli() == 0);
  u.observe(50, 0, 0);
  u.finish(50);
  CHECK(u.job_busy_milli_seconds(0) == doctest::Approx(1500.0 * 20));
}

TEST_CASE("a job of several parts is busy on all of them, a job without GPUs on none") {
  ClusterState c;
  c.add_node("n0", 0, 10000, 1000, 4, 0);
  UtilizationObserver u(c, false);
  BusyAccounting b(u, 3);
  JobRecord r;
  r.parts = {alloc(0, {{0, 1000}}), alloc(0, {{1, 1000}, {2, 250}})};
  r.alloc = r.parts[0];
  for (const auto& a : r.parts) c.allocate(a);
  b.start(1, r, 0);
  CHECK(u.busy_milli() == 2250);
  JobRecord cpu_only;
  cpu_only.alloc = alloc(2000, {});
  b.start(2, cpu_only, 0);
  CHECK(u.busy_milli() == 2250);
  b.stop(2, 5);
  CHECK(u.busy_milli() == 2250);
  b.stop(1, 5);
  CHECK(u.busy_milli() == 0);
}

TEST_CASE("pipeline stage changes go straight to the observer") {
  ClusterState c;
  c.add_node("n0", 0, 10000, 1000, 2, 0);
  UtilizationObserver u(c, false);
  BusyAccounting b(u, 1);
  c.allocate(alloc(0, {{0, 1000}, {1, 1000}}));
  b.change(0, 1000, 1);
  b.change(0, 1000, 2);
  CHECK(u.busy_milli() == 2000);
  b.change(0, -2000, 3);
  CHECK(u.busy_milli() == 0);
}
