// FGD fragmentation: the target workload of the paper, hand-computed node fragments, and the
// incremental tracker against full recomputation.
#include <doctest/doctest.h>

#include <cstdio>
#include <stdexcept>

#include "sim/measure/fragmentation.hpp"
#include "sim/common/rng.hpp"

using namespace fleetsim;

namespace {

using V = std::vector<std::int32_t>;

TargetShape shape(std::int64_t cpu, std::int32_t num_gpu, std::int32_t gpu_milli, double weight, std::uint64_t mask = 0) {
  TargetShape s;
  s.cpu_milli = cpu;
  s.num_gpu = num_gpu;
  s.gpu_milli = gpu_milli;
  s.weight = weight;
  s.model_mask = mask;
  return s;
}

} // namespace

TEST_CASE("popular(): ties by count go to the larger shape -- the cut stops at the coverage") {
  auto mk = [](std::int64_t cpu, int g, int milli) {
    Job j;
    j.req.cpu_milli = cpu;
    j.req.num_gpu = g;
    j.req.gpu_milli = milli;
    return j;
  };
  // 4 x A, 3 x B, 3 x C (C larger than B), 1 x D; 11 jobs.
  std::vector<Job> jobs;
  for (int i = 0; i < 4; ++i) jobs.push_back(mk(1000, 1, 500));
  for (int i = 0; i < 3; ++i) jobs.push_back(mk(2000, 1, 300));
  for (int i = 0; i < 3; ++i) jobs.push_back(mk(2000, 1, 400));
  jobs.push_back(mk(500, 0, 0));
  const auto t = FragTarget::popular(jobs, 60.0);  // 6.6 jobs: A (4) then C (7 >= 6.6)
  REQUIRE(t.shapes().size() == 2);
  CHECK(t.shapes()[1].gpu_milli == 400);
  CHECK(t.shapes()[0].weight == doctest::Approx(4.0 / 7.0));
  CHECK(FragTarget::popular(jobs, 100.0).shapes().size() == 4);
  CHECK_THROWS_AS(FragTarget::popular(jobs, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(FragTarget::popular({}, 95.0), std::invalid_argument);
}

TEST_CASE("node fragment by hand") {
  // A: 1 GPU x 500 milli with 1 core (p .5); B: CPU-only (p .25); C: 2 whole GPUs with 4 cores (p .25).
  const FragTarget t({shape(1000, 1, 500, 2.0), shape(4000, 0, 0, 1.0), shape(4000, 2, 1000, 1.0)});
  CHECK(t.shapes()[0].weight == doctest::Approx(0.5));  // renormalised
  const std::vector<std::int32_t> free = {1000, 300, 600, 0};  // idle 1900
  // A runs (GPUs 0 and 2 have >= 500, 2000 >= 1000 CPU): fragment = 300 + 0 on the GPUs below 500.
  // B needs no GPU: all 1900 idle. C needs 2 whole GPUs, only 1: all 1900.
  CHECK(t.node_fragment(2000, free, 0) == doctest::Approx(0.5 * 300 + 0.25 * 1900 + 0.25 * 1900));
  // Too little CPU for A: A's share becomes all idle milli.
  CHECK(t.node_fragment(500, free, 0) == doctest::Approx(1900.0));
  // Two free GPUs and 4 cores: C runs, leaving the 300 and 600 below 1000.
  CHECK(t.node_fragment(4000, V{1000, 300, 600, 1000}, 0) == doctest::Approx(0.5 * 300 + 0.25 * 2900 + 0.25 * 900));
  // Nothing idle, nothing fragmented.
  CHECK(t.node_fragment(4000, V{0, 0}, 0) == 0.0);
  CHECK(t.node_fragment(4000, V{}, -1) == 0.0);

  // A model constraint: a shape restricted to model 1 cannot use a model-0 node.
  const FragTarget m({shape(0, 1, 500, 1.0, std::uint64_t{1} << 1)});
  CHECK(m.node_fragment(1000, V{1000, 200}, 0) == doctest::Approx(1200.0));
  CHECK(m.node_fragment(1000, V{1000, 200}, 1) == doctest::Approx(200.0));
  CHECK(m.node_fragment(1000, V{1000, 200}, -1) == doctest::Approx(1200.0));
}

TEST_CASE("explicit targets are checked") {
  CHECK_THROWS_AS(FragTarget(std::vector<TargetShape>{}), std::invalid_argument);
  CHECK_THROWS_AS(FragTarget({shape(0, 1, 500, -1.0)}), std::invalid_argument);
  CHECK_THROWS_AS(FragTarget({shape(0, 1, 500, 0.0)}), std::invalid_argument);
  CHECK_THROWS_AS(FragTarget({shape(0, 1, 1500, 1.0)}), std::invalid_argument);
}

TEST_CASE("the tracker follows allocations and releases -- totals are O(1)") {
  ClusterState c;
  c.add_node("a", 0, 8000, 1 << 20, 2, 0);
  c.add_node("b", 0, 8000, 1 << 20, 4, 0);
  const FragTarget t({shape(2000, 1, 600, 1.0)});
  FragTracker tr(t, c);
  CHECK(tr.frag_milli() == 0.0);  // every GPU fits the shape
  CHECK(tr.frag_ratio(c) == 0.0);
  const Allocation a1{0, 1000, 0, {{0, 500}}};  // node a: GPU 0 keeps 500 < 600
  c.allocate(a1);
  tr.update(c, 0);
  CHECK(tr.node(0) == doctest::Approx(500.0));
  CHECK(tr.frag_gpus() == doctest::Approx(0.5));
  CHECK(tr.frag_ratio(c) == doctest::Approx(500.0 / 5500.0));
  const Allocation a2{1, 7000, 0, {{1, 1000}}};  // node b: 1000 CPU left < 2000: all 3000 idle
  c.allocate(a2);
  tr.sync(c);  // finds node b changed by its stamp
  CHECK(tr.node(1) == doctest::Approx(3000.0));
  CHECK(tr.frag_milli() == doctest::Approx(3500.0));
  c.release(a2);
  c.release(a1);
  tr.sync(c);
  CHECK(tr.frag_milli() == doctest::Approx(0.0));
  // A full cluster: no idle milli, ratio 0.
  c.allocate({0, 0, 0, {{0, 1000}, {1, 1000}}});
  c.allocate({1, 0, 0, {{0, 1000}, {1, 1000}, {2, 1000}, {3, 1000}}});
  tr.sync(c);
  CHECK(tr.frag_milli() == doctest::Approx(0.0));
  CHECK(tr.frag_ratio(c) == 0.0);
}

TEST_CASE("node stamps change on every change and differ between diverging copies") {
  ClusterState c;
  c.add_node("a", 0, 8000, 1024, 2, 0);
  const auto s0 = c.node_stamp(0);
  ClusterState copy = c;
  CHECK(copy.node_stamp(0) == s0);
  c.allocate({0, 1000, 0, {}});
  copy.allocate({0, 1000, 0, {}});
  CHECK(c.node_stamp(0) != s0);
  CHECK(copy.node_stamp(0) != s0);
  CHECK(copy.node_stamp(0) != c.node_stamp(0));
}
