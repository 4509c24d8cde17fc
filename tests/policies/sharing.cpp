// The FGD paper's placement policies (random, dot-product, gpu-clustering, gpu-packing,
// best-fit, fgd): their node and GPU choices on small hand-made clusters, with the scores
// worked out by hand in the comments; fgd's caches against a from-scratch evaluation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "policies/registry.hpp"
#include "policies/scoring.hpp"
#include "sim/common/error.hpp"
#include "sim/measure/fragmentation.hpp"
#include "sim/common/rng.hpp"

using namespace fleetsim;
using nlohmann::json;

namespace {

Job pod(int gpus, int milli = 1000, std::int64_t cpu = 1000, std::int64_t mem = 0) {
  Job j;  // the id does not matter here
  j.req.cpu_milli = cpu;
  j.req.memory_mib = mem;
  j.req.num_gpu = gpus;
  j.req.gpu_milli = gpus ? milli : 0;
  return j;
}

std::unique_ptr<policies::PlacementPolicy> make(const std::string& name, const std::string& tie = "index",
                                               std::uint64_t seed = 1) {
  return policies::make_placement(name, name == "random" ? json::object() : json{{"tie_break", tie}}, seed);
}

/// Node n, or -1 when the policy cannot place the pod.
int node_of(policies::PlacementPolicy& p, const Job& j, const ClusterState& c) {
  const auto a = p.place(j, c);
  return a ? a->node : -1;
}

TargetShape shape(std::int64_t cpu, std::int32_t num_gpu, std::int32_t gpu_milli, double weight) {
  TargetShape s;
  s.cpu_milli = cpu;
  s.num_gpu = num_gpu;
  s.gpu_milli = gpu_milli;
  s.weight = weight;
  return s;
}

std::unique_ptr<policies::PlacementPolicy> make_fgd(const FragTarget& t, const std::string& tie = "index",
                                                   std::uint64_t seed = 1) {
  return policies::make_placement("fgd", {json{{"tie_break", tie}}, seed, std::make_shared<const FragTarget>(t)});
}

} // namespace

TEST_CASE("best-fit: least leftover in absolute units over the largest node (the paper's 0.5 CPU + 0.5 GPU)") {
  ClusterState c;
  c.add_node("n0", 0, 64000, 1 << 20, 8, 0);
  c.add_node("n1", 0, 64000, 1 << 20, 2, 0);
  c.allocate({0, 0, 0, {{0, 1000}, {1, 1000}, {2, 1000}, {3, 1000}}});  // n0: 4 of 8 GPUs free
  // n0: 1 - (.5 x 63000/64000 + .5 x 3000/8000) = .3203 -> 32; n1: 1 - (.4922 + .5 x 1000/8000) = .4453 -> 44.
  // (Relative to each node's own size n0 would win: 3/8 left against 1/2.)
  auto p = make("best-fit");
  CHECK(node_of(*p, pod(1), c) == 1);
  // Ties (identical idle nodes) go to the lower index, or to the seeded random order.
  ClusterState twins;
  twins.add_node("a", 0, 64000, 200000, 8, 0);
  twins.add_node("b", 0, 64000, 100000, 8, 0);
  CHECK(node_of(*make("best-fit"), pod(1), twins) == 0);
  std::set<int> seen;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) seen.insert(node_of(*make("best-fit", "random", seed), pod(1), twins));
  CHECK(seen == std::set<int>{0, 1});
  // Memory counts only with a weight: a (200000 MiB left) scores int(-92.97) = -92, b int(-42.97) = -42.
  auto mem = policies::make_placement("best-fit", {{"tie_break", "index"}, {"weight_memory", 1.0}}, 1);
  CHECK(node_of(*mem, pod(1), twins) == 1);
  // Memory is always a feasibility check.
  CHECK(node_of(*p, pod(1, 1000, 1000, 150000), twins) == 0);
  CHECK(node_of(*p, pod(1, 1000, 1000, 250000), twins) == -1);
}

TEST_CASE("dot-product: least alignment between free resources and the request") {
  ClusterState c;
  c.add_node("gpu-busy", 0, 64000, 1 << 20, 8, 0);
  c.add_node("cpu-busy", 0, 64000, 1 << 20, 8, 0);
  c.allocate({0, 0, 0, {{0, 1000}, {1, 1000}, {2, 1000}, {3, 1000}, {4, 1000}, {5, 1000}}});  // 2000 GPU milli free
  c.allocate({1, 56000, 0, {}});                                                                 // 8000 CPU free
  auto p = make("dot-product");
  // GPU pod P = (1000/64000, 1000/8000): gpu-busy N = (1, .25), score int(100(1 - .046875/2)) = 97;
  // cpu-busy N = (.125, 1), int(100(1 - .126953/2)) = 93.
  const auto a = p->place(pod(1), c);
  REQUIRE(a);
  CHECK(a->node == 0);
  CHECK(a->gpus == std::vector<GpuShare>{{6, 1000}});
  // CPU-only pod P = (4000/64000, 0): gpu-busy 96, cpu-busy 99.
  CHECK(node_of(*p, pod(0, 0, 4000), c) == 1);
}

TEST_CASE("gpu-packing: tightest used GPU, then used nodes, then small idle nodes") {
  ClusterState c;
  c.add_node("idle8", 0, 96000, 1 << 20, 8, 0);
  c.add_node("idle2", 0, 96000, 1 << 20, 2, 0);
  c.add_node("shared", 0, 96000, 1 << 20, 8, 0);
  c.add_node("used", 0, 96000, 1 << 20, 8, 0);
  c.allocate({2, 0, 0, {{0, 600}}});   // GPU 0 keeps 400
  c.allocate({3, 0, 0, {{0, 1000}}});  // GPU 0 full
  auto p = make("gpu-packing");
  // 300 milli: idle8 max(33-8, 8) = 25, idle2 31, shared r = 400*100/1000 = 40 -> 100 - 4 = 96, used u=1 -> 49.
  auto a = p->place(pod(1, 300), c);
  REQUIRE(a);
  CHECK(a->node == 2);
  CHECK(a->gpus == std::vector<GpuShare>{{0, 300}});
  // 500 milli does not fit GPU 0 of "shared": shared and used both 49, lower index wins.
  a = p->place(pod(1, 500), c);
  REQUIRE(a);
  CHECK(a->node == 2);
  CHECK(a->gpus == std::vector<GpuShare>{{1, 500}});
  // Two whole GPUs: u = 2 -> 48 on shared and used; idle nodes 25 and 31.
  CHECK(node_of(*p, pod(2), c) == 2);
  // CPU-only pods score 0 everywhere: the tie-break decides.
  CHECK(node_of(*p, pod(0, 0, 1000), c) == 0);
  // Among idle nodes the smaller one first (31 > 25).
  ClusterState idle;
  idle.add_node("idle8", 0, 96000, 1 << 20, 8, 0);
  idle.add_node("idle2", 0, 96000, 1 << 20, 2, 0);
  CHECK(node_of(*p, pod(1), idle) == 1);
}

TEST_CASE("gpu-clustering: nodes holding the same kind of GPU request first") {
  ClusterState c;
  for (const char* n : {"share", "one", "mixed", "idle"}) c.add_node(n, 0, 96000, 1 << 20, 8, 0);
  c.allocate({0, 0, 0, {{0, 300}}});   // a shared-GPU pod
  const Allocation one{1, 0, 0, {{0, 1000}}};
  c.allocate(one);                     // a 1-GPU pod
  c.allocate({2, 0, 0, {{0, 300}}});
  c.allocate({2, 0, 0, {{1, 1000}}});  // both kinds
  CHECK(c.gpu_alloc_kinds(2)[0] == 1);
  CHECK(c.gpu_alloc_kinds(2)[1] == 1);
  auto p = make("gpu-clustering");
  // Shared pod: share base 25*300/8000 = 0, only its kind -> 75; one 3 + 0; mixed 25*1300/8000 = 4, + 50 = 54;
  // idle 0 + 25.
  CHECK(node_of(*p, pod(1, 200), c) == 0);
  // 1-GPU pod: share 0, one 3 + 75 = 78, mixed 54, idle 25.
  CHECK(node_of(*p, pod(1), c) == 1);
  // 2-GPU pod: no node holds that kind; the idle node (25) beats nodes of other kinds (0, 3, 4).
  CHECK(node_of(*p, pod(2), c) == 3);
  // Once node "one" releases its pod it holds no kind again: 0 + 25 ties with idle, lower index wins.
  c.release(one);
  CHECK(c.gpu_alloc_kinds(1)[1] == 0);
  CHECK(node_of(*p, pod(2), c) == 1);
  // CPU-only pods score 0 everywhere.
  CHECK(node_of(*p, pod(0, 0, 1000), c) == 0);
}

TEST_CASE("random: uniform over feasible nodes, and over fitting GPUs for a shared GPU") {
  ClusterState c;
  c.add_node("n0", 0, 96000, 1 << 20, 4, 0);
  c.add_node("full", 0, 96000, 1 << 20, 1, 0);
  c.allocate({0, 0, 0, {{1, 800}, {2, 400}}});  // free 1000, 200, 600, 1000
  c.allocate({1, 0, 0, {{0, 1000}}});
  auto p = make("random", "", 42);
  auto q = make("random", "", 42);
  std::set<int> gpus;
  for (int i = 0; i < 300; ++i) {
    const auto a = p->place(pod(1, 500), c);
    REQUIRE(a);
    CHECK(a->node == 0);
    gpus.insert(a->gpus.at(0).gpu);
    CHECK(*q->place(pod(1, 500), c) == *a);  // same seed, same draws
  }
  CHECK(gpus == std::set<int>{0, 2, 3});  // never GPU 1 (200 free)
  const auto whole = p->place(pod(2), c);
  REQUIRE(whole);
  CHECK(whole->gpus == std::vector<GpuShare>{{0, 1000}, {3, 1000}});
}

TEST_CASE("fgd: avoids leaving GPU slivers no target task can use") {
  const FragTarget t({shape(0, 1, 500, 1.0)});
  ClusterState c;
  c.add_node("fresh", 0, 8000, 1 << 20, 1, 0);
  c.add_node("used", 0, 8000, 1 << 20, 1, 0);
  c.allocate({1, 0, 0, {{0, 400}}});  // 600 free
  // fresh: F 0 -> 0, score int(100 sigmoid(0)) = 50; used: F 0 -> 100 (100 left < 500), int(100 sigmoid(-.1)) = 47.
  auto p = make_fgd(t);
  CHECK(node_of(*p, pod(1, 500, 0), c) == 0);
  CHECK(node_of(*make("best-fit"), pod(1, 500, 0), c) == 1);  // best-fit takes the tighter node
}

TEST_CASE("fgd: a shared pod gets the first GPU reaching the best integer score") {
  const FragTarget t({shape(0, 1, 500, 1.0)});
  ClusterState c;
  c.add_node("n", 0, 8000, 1 << 20, 3, 0);
  c.allocate({0, 0, 0, {{0, 400}, {2, 500}}});  // free 600, 1000, 500
  // GPU 0 leaves 100 (< 500): 47. GPU 1 leaves 500: 50. GPU 2 leaves 0: 50. First at 50: GPU 1.
  const auto a = make_fgd(t)->place(pod(1, 500, 0), c);
  REQUIRE(a);
  CHECK(a->gpus == std::vector<GpuShare>{{1, 500}});
}

TEST_CASE("fgd: a multi-GPU shared pod gets the GPUs it was scored with") {
  const FragTarget t({shape(0, 1, 500, 1.0)});
  ClusterState c;
  c.add_node("n", 0, 8000, 1 << 20, 4, 0);
  c.allocate({0, 0, 0, {{1, 400}, {3, 400}}});  // free 1000, 600, 1000, 600
  // The score takes the 2 tightest fitting GPUs, 1 and 3 (600 each); the allocation must be those,
  // not the first ones that fit (0 and 1).
  const auto a = make_fgd(t)->place(pod(2, 500, 0), c);
  REQUIRE(a);
  CHECK(a->gpus == std::vector<GpuShare>{{1, 500}, {3, 500}});
}

TEST_CASE("gpu-packing: a multi-GPU shared pod gets the GPUs it was scored with") {
  ClusterState c;
  c.add_node("n", 0, 8000, 1 << 20, 4, 0);
  c.allocate({0, 0, 0, {{1, 400}, {3, 400}}});  // free 1000, 600, 1000, 600
  // The score counts the 2 tightest fitting GPUs, 1 and 3 (600 each): those are allocated.
  const auto a = make("gpu-packing")->place(pod(2, 500, 0), c);
  REQUIRE(a);
  CHECK(a->gpus == std::vector<GpuShare>{{1, 500}, {3, 500}});
}

TEST_CASE("fgd: a CPU-only pod stays off the CPU that free GPUs need") {
  const FragTarget t({shape(4000, 1, 1000, 1.0)});
  ClusterState c;
  c.add_node("small", 0, 8000, 1 << 20, 1, 0);
  c.add_node("big", 0, 16000, 1 << 20, 1, 0);
  // small: 2000 CPU left < 4000, its free GPU becomes fragment: int(100 sigmoid(-1)) = 26; big: 50.
  CHECK(node_of(*make_fgd(t), pod(0, 0, 6000), c) == 1);
  CHECK(node_of(*make("best-fit"), pod(0, 0, 6000), c) == 0);
}

TEST_CASE("fgd needs a fragmentation target") {
  ClusterState c;
  c.add_node("n", 0, 8000, 1 << 20, 1, 0);
  CHECK_THROWS_AS(make("fgd")->place(pod(1), c), std::logic_error);
}

TEST_CASE("fgd's cached decisions equal a from-scratch evaluation, under both tie-breaks") {
  // A mixed cluster and a workload heavy enough to fill it; the shapes repeat, so caches are hit.
  const FragTarget t({shape(4000, 1, 1000, 3.0), shape(2000, 1, 500, 2.0), shape(8000, 1, 300, 2.0),
                      shape(16000, 0, 0, 1.0), shape(8000, 2, 1000, 1.0)});
  for (const char* tie : {"index", "random"}) {
    CAPTURE(tie);
    ClusterState c;
    for (int i = 0; i < 30; ++i) c.add_node(std::to_string(i), 0, 16000 * (1 + i % 4), 1 << 20, 1 << (i % 4), 0);
    auto p = make_fgd(t, tie, 9);
    policies::TieBreak tb(std::string(tie) == "index" ? policies::TieBreak::Mode::index : policies::TieBreak::Mode::random, 9);
    tb.prepare(c.num_nodes());
    Rng rng(5);
    static const int milli[] = {100, 250, 300, 500, 700, 1000, 1000};
    int placed = 0, failed = 0;
    for (int k = 0; k < 400; ++k) {
      const int g = rng.below(5) == 0 ? static_cast<int>(rng.below(3)) * 2 : 1;  // 0, 2 or 4 GPUs, else 1
      const Job j = pod(g, g == 1 ? milli[rng.below(7)] : 1000, 1000 * static_cast<std::int64_t>(rng.below(12)));
      // From scratch: every feasible node, every fitting GPU for a shared pod.
      int best = -1, best_gpu = -1;
      std::int64_t best_score = 0;
      for (int n = 0; n < c.num_nodes(); ++n) {
        if (!c.fits(n, j.req)) continue;
        const auto free = c.gpu_free(n);
        const double before = t.node_fragment(c, n);
        std::vector<std::int32_t> after(free.begin(), free.end());
        auto score_of = [&](const std::vector<std::int32_t>& f) {
          return static_cast<std::int64_t>(
              100.0 / (1.0 + std::exp(-(before - t.node_fragment(c.free_cpu_milli(n) - j.req.cpu_milli, f, 0)) / 1000.0)));
        };
        std::int64_t s = -1;
        int gpu = -1;
        if (j.req.num_gpu == 1 && j.req.gpu_milli < 1000) {
          for (std::size_t i = 0; i < free.size(); ++i) {
            if (free[i] < j.req.gpu_milli) continue;
            after[i] -= j.req.gpu_milli;
            const auto si = score_of(after);
            after[i] += j.req.gpu_milli;
            if (si > s) s = si, gpu = static_cast<int>(i);
          }
        } else {
          int need = j.req.num_gpu;
          for (auto& f : after)
            if (need > 0 && f == 1000) f = 0, --need;
          s = score_of(after);
        }
        if (best < 0 || s > best_score || (s == best_score && tb.rank(n) < tb.rank(best)))
          best = n, best_score = s, best_gpu = gpu;
      }
      const auto a = p->place(j, c);
      REQUIRE((best < 0) == !a.has_value());
      if (!a) {
        ++failed;
        continue;
      }
      CHECK(a->node == best);
      if (best_gpu >= 0) CHECK(a->gpus.at(0).gpu == best_gpu);
      c.allocate(*a);
      ++placed;
    }
    CHECK(placed > 100);
    CHECK(failed > 20);  // the cluster did fill up
  }
}

TEST_CASE("the six paper policies are registered with their params") {
  for (const char* name : {"random", "dot-product", "gpu-clustering", "gpu-packing", "best-fit", "fgd"}) {
    CAPTURE(name);
    const auto names = policies::placement_names();
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
    const auto p = policies::make_placement(name, json::object(), 3);
    CHECK(p->name() == name);
    if (std::string(name) != "random") CHECK_NOTHROW(policies::check_params("fifo", name, {{"tie_break", "index"}}));
  }
  CHECK_THROWS_WITH_AS(policies::make_placement("fgd", {{"tie_break", "first"}}, 1),
                       "/policy/params/tie_break: expected one of \"random\", \"index\", got \"first\"", InputError);
  CHECK_THROWS_AS(policies::check_params("fifo", "random", {{"tie_break", "index"}}), InputError);
  CHECK_NOTHROW(policies::check_params("fifo", "best-fit", {{"weight_memory", 0.2}}));
}
