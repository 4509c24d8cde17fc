// FGD fragmentation: the target workload of the paper, hand-computed node fragments, and the
// incremental tracker against full recomputation.
#include <doctest/doctest.h>

#include <cstdio>
#include <stdexcept>

#include "sim/alibaba.hpp"
#include "sim/fragmentation.hpp"
#include "sim/rng.hpp"

using namespace fleetsim;

namespace {

using V = std::vector<std::int32_t>;
const std::string kData = FLEETSIM_SOURCE_DIR "/scenarios/data/alibaba-v2023";

TargetShape shape(std::int64_t cpu, std::int32_t num_gpu, std::int32_t gpu_milli, double weight, std::uint64_t mask = 0) {
  TargetShape s;
  s.cpu_milli = cpu;
  s.num_gpu = num_gpu;
  s.gpu_milli = gpu_milli;
  s.weight = weight;
  s.model_mask = mask;
  return s;
}

/// F_n straight from the definition, one shape at a time.
double naive_fragment(const FragTarget& t, std::int64_t cpu_free, const std::vector<std::int32_t>& free, int model) {
  std::int64_t idle = 0;
  for (auto f : free) idle += f;
  double frag = 0;
  for (const auto& m : t.shapes()) {
    std::int64_t f_nm = idle;
    const bool access = m.model_mask == 0 || (model >= 0 && ((m.model_mask >> model) & 1u));
    if (m.gpu_milli > 0 && m.num_gpu > 0 && access) {
      int fit = 0;
      std::int64_t small = 0;
      for (auto f : free) {
        if (f >= m.gpu_milli) ++fit;
        else small += f;
      }
      if (fit >= m.num_gpu && cpu_free >= m.cpu_milli) f_nm = small;
    }
    frag += m.weight * static_cast<double>(f_nm);
  }
  return frag;
}

} // namespace

TEST_CASE("the paper's target workload: 35 shapes covering 7766 of the 8152 default pods") {
  GpuModels models;
  (void)alibaba::read_node_list(kData + "/openb_node_list_gpu_node.csv", models);
  const auto jobs = alibaba::jobs_of(alibaba::read_pod_list(kData + "/openb_pod_list_default.csv", models));
  const auto t = FragTarget::popular(jobs);
  // cpu/gpu_milli x num_gpu: count, most popular first (docs/fgd-notes.md section 3).
  const char* expected[] = {
      "3152/810x1:1047",  "11300/1000x1:874", "11400/1000x1:599", "3152/1000x1:470",  "11908/470x1:388",
      "12500/0x0:366",    "8000/470x1:360",   "12000/1000x1:326", "32000/0x0:290",    "18708/1000x1:255",
      "11908/650x1:237",  "4000/320x1:232",   "9810/1000x1:195",  "8000/0x0:185",     "8000/1000x1:164",
      "4000/1000x1:159",  "15700/1000x1:158", "11908/1000x1:153", "16000/1000x1:150", "4000/230x1:122",
      "15400/0x0:120",    "6000/460x1:120",   "16500/0x0:95",     "14200/1000x1:93",  "24200/1000x1:84",
      "3152/590x1:75",    "8000/320x1:72",    "4152/550x1:72",    "11900/1000x1:55",  "4000/160x1:54",
      "4152/370x1:45",    "4000/220x1:43",    "8200/1000x1:41",   "15200/1000x1:36",  "4152/810x1:31"};
  REQUIRE(t.shapes().size() == std::size(expected));
  std::int64_t covered = 0;
  double cpu_only = 0, sum = 0;
  for (std::size_t i = 0; i < t.shapes().size(); ++i) {
    const auto& s = t.shapes()[i];
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld/%dx%d:%lld", static_cast<long long>(s.cpu_milli), s.gpu_milli, s.num_gpu,
                  static_cast<long long>(s.count));
    CHECK(std::string(buf) == expected[i]);
    covered += s.count;
    sum += s.weight;
    if (s.num_gpu == 0) cpu_only += s.weight;
  }
  CHECK(covered == 7766);
  CHECK(sum == doctest::Approx(1.0));
  CHECK(t.shapes()[0].weight == doctest::Approx(1047.0 / 7766.0));
  CHECK(cpu_only == doctest::Approx((366.0 + 290 + 185 + 120 + 95) / 7766.0));  // 0.136
  // Without CPU-only pods the rule runs over the 7064 GPU pods.
  const auto g = FragTarget::popular(jobs, 95.0, false);
  for (const auto& s : g.shapes()) CHECK(s.num_gpu > 0);
}

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

TEST_CASE("the grouped evaluator equals the definition on random node states") {
  GpuModels models;
  (void)alibaba::read_node_list(kData + "/openb_node_list_gpu_node.csv", models);
  const auto jobs = alibaba::jobs_of(alibaba::read_pod_list(kData + "/openb_pod_list_gpuspec33.csv", models));
  const auto t = FragTarget::popular(jobs, 99.0);  // many shapes, some with model masks
  bool masked = false;
  for (const auto& s : t.shapes()) masked |= s.model_mask != 0;
  REQUIRE(masked);
  Rng rng(7);
  static const std::int32_t levels[] = {0, 100, 190, 300, 470, 500, 530, 650, 810, 1000};
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::int32_t> free(1 + rng.below(8));
    for (auto& f : free) f = levels[rng.below(std::size(levels))];
    const auto cpu = static_cast<std::int64_t>(rng.below(40)) * 1000;
    const int model = static_cast<int>(rng.below(static_cast<std::uint64_t>(models.size())));
    CHECK(t.node_fragment(cpu, free, model) == doctest::Approx(naive_fragment(t, cpu, free, model)));
  }
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
