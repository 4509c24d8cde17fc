// Cluster state: allocation arithmetic, feasibility, and the invariant checker.
#include <doctest/doctest.h>

#include <stdexcept>

#include "sim/model/cluster.hpp"
#include "sim/common/rng.hpp"
#include "sim/model/topology.hpp"

using namespace fleetsim;

namespace {
ClusterState two_nodes() {
  ClusterState c;
  c.add_node("a", 0, 32000, 65536, 4, 0);
  c.add_node("b", 0, 16000, 32768, 2, 1);
  return c;
}
Request req(std::int64_t cpu, std::int64_t mem, int gpus, int milli, std::uint64_t mask = 0) {
  Request r;
  r.cpu_milli = cpu;
  r.memory_mib = mem;
  r.num_gpu = gpus;
  r.gpu_milli = milli;
  r.model_mask = mask;
  return r;
}
} // namespace

TEST_CASE("capacity totals and node layout") {
  auto c = two_nodes();
  CHECK(c.num_nodes() == 2);
  CHECK(c.num_gpus() == 6);
  CHECK(c.total_gpu_milli() == 6000);
  CHECK(c.total_cpu_milli() == 48000);
  CHECK(c.total_memory_mib() == 98304);
  CHECK(c.node(1).gpu_begin == 4);
  CHECK(c.free_whole_gpus() == 6);
  CHECK(c.empty());
}

TEST_CASE("from_spec expands node types in order and interns models") {
  ClusterSpec spec;
  spec.node_types = {{"dgx", 2, 128000, 1048576, 8, "A100"}, {"cpu", 1, 64000, 262144, 0, ""}, {"t4", 1, 8000, 1024, 2, "T4"}};
  GpuModels models;
  auto c = ClusterState::from_spec(spec, models);
  REQUIRE(c.num_nodes() == 4);
  CHECK(c.node(0).name == "dgx-0");
  CHECK(c.node(1).name == "dgx-1");
  CHECK(c.node(2).name == "cpu-0");
  CHECK(c.node(2).gpu_model == -1);
  CHECK(c.node(3).gpu_model == 1);
  CHECK(models.names() == std::vector<std::string>{"A100", "T4"});
  CHECK(c.num_gpus() == 18);
}

TEST_CASE("allocate and release restore the exact state") {
  auto c = two_nodes();
  Allocation a{0, 8000, 1024, {{1, 1000}, {2, 1000}}};
  Allocation s{0, 1000, 512, {{0, 300}}};
  c.allocate(a);
  c.allocate(s);
  CHECK(c.alloc_gpu_milli() == 2300);
  CHECK(c.alloc_cpu_milli() == 9000);
  CHECK(c.free_whole_gpus(0) == 1);
  CHECK(c.free_gpu_milli(0) == 4000 - 2300);
  CHECK(c.gpu_free(0)[0] == 700);
  c.check_invariants();
  c.release(a);
  c.release(s);
  c.check_invariants();
  CHECK(c.empty());
  CHECK(c.free_whole_gpus() == 6);
}

TEST_CASE("over-allocation and double release are rejected and leave the state unchanged") {
  auto c = two_nodes();
  c.allocate({1, 1000, 0, {{0, 800}}});
  CHECK_THROWS_WITH_AS(c.allocate({1, 0, 0, {{0, 300}}}), "allocate on node 1: GPU 0 over-allocated", std::logic_error);
  CHECK_THROWS_WITH_AS(c.allocate({1, 16000, 0, {}}), "allocate on node 1: CPU over-allocated", std::logic_error);
  CHECK_THROWS_WITH_AS(c.allocate({0, 0, 0, {{4, 1000}}}), "allocate on node 0: no GPU 4", std::logic_error);
  CHECK_THROWS_WITH_AS(c.allocate({0, 0, 0, {{1, 500}, {1, 500}}}), "allocate on node 0: GPU 1 listed twice",
                       std::logic_error);
  CHECK_THROWS_AS(c.allocate({7, 0, 0, {}}), std::logic_error);
  CHECK(c.alloc_gpu_milli() == 800);
  c.release({1, 1000, 0, {{0, 800}}});
  CHECK_THROWS_WITH_AS(c.release({1, 1000, 0, {{0, 800}}}), "release on node 1: CPU released beyond capacity",
                       std::logic_error);
  c.check_invariants();
  CHECK(c.empty());
}

TEST_CASE("fits: whole GPUs, shared GPUs, models, CPU and memory") {
  auto c = two_nodes();
  CHECK(c.fits(0, req(32000, 65536, 4, 1000)));
  CHECK_FALSE(c.fits(0, req(32001, 0, 0, 0)));
  CHECK_FALSE(c.fits(0, req(0, 65537, 0, 0)));
  CHECK_FALSE(c.fits(1, req(0, 0, 3, 1000)));
  CHECK(c.fits(1, req(0, 0, 1, 1000, 0b10)));
  CHECK_FALSE(c.fits(1, req(0, 0, 1, 1000, 0b01)));  // wrong model
  c.allocate({1, 0, 0, {{0, 600}, {1, 600}}});
  CHECK(c.fits(1, req(0, 0, 1, 400)));
  CHECK_FALSE(c.fits(1, req(0, 0, 1, 401)));
  CHECK_FALSE(c.fits(1, req(0, 0, 1, 1000)));
  CHECK(c.fits(1, req(0, 0, 2, 400)));
  CHECK(c.fits_empty(1, req(0, 0, 1, 1000)));
}

TEST_CASE("could_ever_fit looks at empty capacity of every node shape") {
  auto c = two_nodes();
  c.allocate({0, 32000, 65536, {{0, 1000}, {1, 1000}, {2, 1000}, {3, 1000}}});
  CHECK(c.could_ever_fit(req(32000, 65536, 4, 1000)));
  CHECK_FALSE(c.could_ever_fit(req(32000, 65536, 5, 1000)));
  CHECK_FALSE(c.could_ever_fit(req(16001, 0, 2, 1000, 0b10)));  // only node b has model 1
  CHECK(c.could_ever_fit(req(16000, 0, 2, 1000, 0b10)));
  CHECK_FALSE(c.could_ever_fit(req(0, 0, 1, 1000, 0b100)));  // no node of model 2
  CHECK(c.could_ever_fit(req(0, 0, 0, 0)));
}

TEST_CASE("random allocate/release sequences keep every invariant and end empty") {
  ClusterState c;
  for (int i = 0; i < 8; ++i) c.add_node("n" + std::to_string(i), 0, 64000, 262144, 8, 0);
  Rng rng(7);
  std::vector<Allocation> live;
  for (int step = 0; step < 5000; ++step) {
    if (!live.empty() && rng.below(3) == 0) {
      const auto k = rng.below(live.size());
      c.release(live[k]);
      live.erase(live.begin() + static_cast<long>(k));
    } else {
      const int n = static_cast<int>(rng.below(8));
      const int gpus = static_cast<int>(rng.below(3));
      const int milli = gpus == 1 ? static_cast<int>(rng.below(1000)) + 1 : 1000;
      Request r = req(static_cast<std::int64_t>(rng.below(9000)), static_cast<std::int64_t>(rng.below(30000)), gpus, gpus ? milli : 0);
      if (!c.fits(n, r)) continue;
      Allocation a{n, r.cpu_milli, r.memory_mib, {}};
      const auto free = c.gpu_free(n);
      for (int g = 0; g < 8 && static_cast<int>(a.gpus.size()) < gpus; ++g)
        if (free[g] >= milli && (milli < 1000 || free[g] == 1000)) a.gpus.push_back({g, milli});
      REQUIRE(static_cast<int>(a.gpus.size()) == gpus);
      c.allocate(a);
      live.push_back(a);
    }
    if (step % 97 == 0) c.check_invariants();
  }
  for (const auto& a : live) c.release(a);
  c.check_invariants();
  CHECK(c.empty());
  CHECK(c.free_whole_gpus() == 64);
}
