// Gang placement (PartsPlacer): the parts of a `num_nodes` gang on distinct nodes, and a
// multi-part job placed whenever some layout fits (checked against brute force).
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "policies/registry.hpp"
#include "sim/model/mig_catalog.hpp"
#include "sim/sched/gang.hpp"

using namespace fleetsim;

namespace {

Request req(std::int64_t cpu, std::int64_t mem, int gpus) {
  Request r;
  r.cpu_milli = cpu;
  r.memory_mib = mem;
  r.num_gpu = gpus;
  r.gpu_milli = gpus > 0 ? 1000 : 0;
  return r;
}

/// A job of `parts`: a multi-node gang (distinct nodes) or disaggregated pipeline workers.
Job job_of(std::vector<Request> parts, bool gang) {
  Job j;
  j.id = gang ? "gang" : "pipe";
  auto w = std::make_shared<JobWork>();
  w->parts = std::move(parts);
  if (!gang) {
    w->pipeline = std::make_shared<PipelineSpec>();
    w->mode = ExecMode::disaggregated;
  }
  j.work = std::move(w);
  return j;
}

/// True when some assignment of the parts to nodes fits the free resources (whole GPUs), with
/// distinct nodes when `distinct`: every assignment enumerated.
bool brute_force(const ClusterState& c, const std::vector<Request>& ps, bool distinct) {
  const int n = c.num_nodes();
  const std::size_t k = ps.size();
  std::vector<int> at(k, 0);
  for (;;) {
    bool ok = true;
    for (std::size_t a = 0; a < k && ok; ++a)
      for (std::size_t b = a + 1; b < k && ok; ++b)
        if (distinct && at[a] == at[b]) ok = false;
    for (int node = 0; node < n && ok; ++node) {
      std::int64_t cpu = 0, mem = 0;
      int gpus = 0;
      for (std::size_t p = 0; p < k; ++p)
        if (at[p] == node) {
          cpu += ps[p].cpu_milli;
          mem += ps[p].memory_mib;
          gpus += ps[p].num_gpu;
        }
      ok = cpu <= c.free_cpu_milli(node) && mem <= c.free_memory_mib(node) && gpus <= c.free_whole_gpus(node);
    }
    if (ok) return true;
    std::size_t i = 0;
    while (i < k && ++at[i] == n) at[i++] = 0;
    if (i == k) return false;
  }
}

} // namespace

TEST_CASE("the parts of a num_nodes gang land on distinct nodes") {
  for (const char* name : {"first-fit", "best-fit", "worst-fit"}) {
    CAPTURE(name);
    ClusterState c;
    c.add_node("a", 0, 32000, 65536, 8, 0);
    c.add_node("b", 0, 32000, 65536, 8, 0);
    auto policy = policies::make_placement(name, nlohmann::json::object(), 1);
    PartsPlacer placer(c, policy.get());
    const Job j = job_of({req(1000, 1024, 2), req(1000, 1024, 2)}, true);
    CHECK(j.work->distinct_nodes());
    auto parts = placer.place(0, j, c, *policy);
    REQUIRE(parts);
    CHECK((*parts)[0].node != (*parts)[1].node);
    c.check_invariants();

    // Pipeline workers may share a node.
    ClusterState one;
    one.add_node("a", 0, 32000, 65536, 8, 0);
    const Job p = job_of({req(1000, 1024, 2), req(1000, 1024, 2)}, false);
    CHECK_FALSE(p.work->distinct_nodes());
    REQUIRE(placer.place(1, p, one, *policy));
    // A gang of two on one node: not placed, nothing left allocated.
    ClusterState one2;
    one2.add_node("a", 0, 32000, 65536, 8, 0);
    CHECK_FALSE(placer.place(2, j, one2, *policy));
    CHECK(one2.empty());
  }
}

TEST_CASE("a pipeline whose CPU worker would take the GPU node's CPU is placed") {
  ClusterState c;
  c.add_node("gpu-0", 0, 8000, 65536, 1, 0);
  c.add_node("cpu-0", 1, 6000, 65536, 0, -1);
  auto policy = policies::make_placement("first-fit", nlohmann::json::object(), 1);
  PartsPlacer placer(c, policy.get());
  // The CPU worker first: first-fit puts it on gpu-0, leaving the GPU worker 2 cores of 4.
  const Job j = job_of({req(6000, 1024, 0), req(4000, 1024, 1)}, false);
  auto parts = placer.place(0, j, c, *policy);
  REQUIRE(parts);
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].node == 1);  // parts keep their order: the CPU worker on cpu-0
  CHECK((*parts)[1].node == 0);
  c.check_invariants();
  for (std::size_t i = 0; i < parts->size(); ++i) placer.release(0, static_cast<int>(i), (*parts)[i], c);
  CHECK(c.empty());
}

TEST_CASE("a multi-part job is placed iff brute force finds a layout") {
  std::mt19937_64 rng(20261202);
  auto pick = [&](std::initializer_list<std::int64_t> xs) {
    std::uniform_int_distribution<std::size_t> d(0, xs.size() - 1);
    return *(xs.begin() + static_cast<std::ptrdiff_t>(d(rng)));
  };
  int placed = 0, cases = 0;
  for (const char* name : {"first-fit", "best-fit", "worst-fit"}) {
    auto policy = policies::make_placement(name, nlohmann::json::object(), 1);
    for (int t = 0; t < 200; ++t) {
      ClusterState c;
      const int nodes = static_cast<int>(pick({1, 2, 3, 4}));
      for (int n = 0; n < nodes; ++n) {
        const int g = static_cast<int>(pick({0, 1, 2, 4, 8}));
        c.add_node("n" + std::to_string(n), 0, pick({4000, 8000, 16000}), pick({16384, 32768}), g, g ? 0 : -1);
      }
      // Something already running on some nodes.
      for (int n = 0; n < nodes; ++n) {
        if (pick({0, 1}) == 0) continue;
        Allocation a;
        a.node = n;
        a.cpu_milli = c.free_cpu_milli(n) / pick({2, 4, 8});
        a.memory_mib = c.free_memory_mib(n) / pick({2, 4});
        const int g = c.node(n).gpu_count / static_cast<int>(pick({2, 4, 8}));
        for (int k = 0; k < g; ++k) a.gpus.push_back({k, 1000});
        c.allocate(a);
      }
      const bool gang = pick({0, 1}) == 1;
      std::vector<Request> ps;
      const int k = static_cast<int>(pick({2, 3, 4}));
      if (gang) {
        const Request r = req(pick({1000, 2000, 4000}), pick({1024, 4096}), static_cast<int>(pick({0, 1, 2, 4})));
        ps.assign(static_cast<std::size_t>(k), r);
      } else {
        for (int i = 0; i < k; ++i)
          ps.push_back(req(pick({1000, 2000, 4000, 6000}), pick({1024, 8192}), static_cast<int>(pick({0, 0, 1, 2, 4}))));
      }
      const Job j = job_of(ps, gang);
      CAPTURE(name);
      CAPTURE(t);
      const bool expect = brute_force(c, ps, gang);
      const ClusterState before = c;
      PartsPlacer placer(c, policy.get());
      auto parts = placer.place(0, j, c, *policy);
      CHECK(parts.has_value() == expect);
      ++cases;
      if (parts) {
        ++placed;
        REQUIRE(parts->size() == ps.size());
        for (std::size_t a = 0; a < parts->size(); ++a) {
          CHECK((*parts)[a].cpu_milli == ps[a].cpu_milli);
          CHECK((*parts)[a].num_gpus() == ps[a].num_gpu);
          for (std::size_t b = a + 1; gang && b < parts->size(); ++b) CHECK((*parts)[a].node != (*parts)[b].node);
        }
        c.check_invariants();
      } else {
        for (int n = 0; n < c.num_nodes(); ++n) {
          CHECK(c.free_cpu_milli(n) == before.free_cpu_milli(n));
          CHECK(c.free_memory_mib(n) == before.free_memory_mib(n));
          CHECK(c.free_whole_gpus(n) == before.free_whole_gpus(n));
        }
      }
    }
  }
  CHECK(cases == 600);
  MESSAGE("placed " << placed << " of " << cases);
  CHECK(placed > 100);   // the cases are not all trivial either way
  CHECK(placed < 500);
}

TEST_CASE("a gang that can never fit the empty cluster as a whole is known before it waits") {
  ClusterState c;
  c.add_node("a", 0, 64000, 262144, 8, 0);
  c.add_node("cpu", 1, 64000, 262144, 0, -1);
  auto policy = policies::make_placement("first-fit", nlohmann::json::object(), 1);
  PartsPlacer placer(c, policy.get());
  // num_nodes 2 x 8 GPUs on one 8-GPU node: each part fits, the gang never does.
  const Job two = job_of({req(1000, 1024, 8), req(1000, 1024, 8)}, true);
  CHECK(placer.could_ever_fit(two));
  CHECK_FALSE(placer.can_ever_place(two, *policy));
  CHECK_FALSE(placer.can_ever_place(two, *policy));  // cached per signature
  // The same parts as pipeline workers share the node... 16 GPUs on 8 do not fit either.
  CHECK_FALSE(placer.can_ever_place(job_of({req(1000, 1024, 8), req(1000, 1024, 8)}, false), *policy));
  // A gang of a GPU part and CPU parts on distinct nodes fits; so does it while the cluster is busy.
  Allocation busy;
  busy.node = 0;
  busy.cpu_milli = 64000;
  c.allocate(busy);
  const Job ok = job_of({req(1000, 1024, 4), req(1000, 1024, 0)}, true);
  CHECK(placer.can_ever_place(ok, *policy));
  CHECK_FALSE(placer.place(0, ok, c, *policy));  // not now: node a has no CPU left
}

TEST_CASE("a failed attempt leaves no trace: free resources and change stamps as before") {
  for (bool gang : {true, false}) {
    CAPTURE(gang);
    ClusterState c;
    c.add_node("gpu-0", 0, 8000, 65536, 2, 0);
    c.add_node("gpu-1", 0, 8000, 65536, 2, 0);
    c.add_node("cpu-0", 1, 4000, 65536, 0, -1);
    auto policy = policies::make_placement("first-fit", nlohmann::json::object(), 1);
    PartsPlacer placer(c, policy.get());
    // Two parts fit, the third does not (no 3 GPUs left / no third GPU node): nothing applied.
    const Job j = job_of({req(2000, 1024, 2), req(2000, 1024, 2), req(2000, 1024, 1)}, gang);
    std::vector<std::uint64_t> stamps;
    for (int n = 0; n < c.num_nodes(); ++n) stamps.push_back(c.node_stamp(n));
    CHECK_FALSE(placer.place(0, j, c, *policy));
    CHECK(c.empty());
    for (int n = 0; n < c.num_nodes(); ++n) {
      CHECK(c.node_stamp(n) == stamps[static_cast<std::size_t>(n)]);
      CHECK(c.free_cpu_milli(n) == c.node(n).cpu_milli);
      CHECK(c.free_whole_gpus(n) == c.node(n).gpu_count);
    }
    c.check_invariants();
  }
}

TEST_CASE("a composable gang reports the servers it detached pooled GPUs from") {
  ClusterState c;
  c.add_switch("sw0");
  c.add_pool("c0", 0, 1, 0, {0});
  c.add_node("s0", 0, 8000, 65536, 0, -1);
  c.add_node("s1", 0, 8000, 65536, 0, -1);
  c.set_fabric(0, 2, 0);
  c.set_fabric(1, 2, 0);
  // The one pooled GPU composed to s0 and idle there; s0's CPU then taken.
  Allocation first;
  first.node = 0;
  first.cpu_milli = 1000;
  first.pool = {{0, 1000}};
  first.attach = {0};
  c.allocate(first);
  c.release(first);
  REQUIRE(c.pool_gpu_attached(0) == 0);
  Allocation cpu;
  cpu.node = 0;
  cpu.cpu_milli = 8000;
  c.allocate(cpu);
  auto policy = policies::make_placement("pool-first-fit", nlohmann::json::object(), 1);
  PartsPlacer placer(c, policy.get());
  const Job j = job_of({req(1000, 1024, 1), req(1000, 1024, 0)}, false);
  auto parts = placer.place(0, j, c, *policy);
  REQUIRE(parts);
  CHECK((*parts)[0].node == 1);
  CHECK(c.pool_gpu_attached(0) == 1);
  CHECK(placer.detached_from() == std::vector<int>{0});
}

TEST_CASE("a failed MIG gang attempt leaves no instance, repartition or count behind") {
  GpuModels models;
  MigCatalog cat;
  ClusterState c;
  const int variant = models.intern(std::string("A100-40GB") + kMigSuffix);
  const int base = models.intern("A100-40GB");
  c.add_node("mig-0", 0, 64000, 262144, 2, variant);
  c.add_node("cpu-0", 1, 8000, 65536, 0, -1);
  cat.enable(variant, base, std::shared_ptr<const mig::Geometry>(mig::builtin("A100-40GB"), [](const mig::Geometry*) {}));
  const int one = cat.intern_profile("1g.5gb");
  c.enable_mig(&cat);
  auto policy = policies::make_placement("first-fit", nlohmann::json::object(), 1);
  PartsPlacer placer(c, policy.get());
  Request m = req(1000, 1024, 1);
  m.mig = static_cast<std::int16_t>(one);
  m.gpu_milli = 429;
  m.model_mask = std::uint64_t{1} << variant;
  // The MIG worker fits mig-0; the CPU worker (70 cores) fits no node: the attempt fails.
  const Job j = job_of({m, req(70000, 1024, 0)}, false);
  std::vector<std::uint64_t> stamps;
  for (int n = 0; n < c.num_nodes(); ++n) stamps.push_back(c.node_stamp(n));
  CHECK_FALSE(placer.place(0, j, c, *policy));
  CHECK(c.empty());
  CHECK(c.mig_instances_created() == 0);
  CHECK(c.mig_instances_reused() == 0);
  CHECK(c.mig_instances_destroyed() == 0);
  for (const auto& l : c.mig_layouts(0)) CHECK(l.instances().empty());
  for (int n = 0; n < c.num_nodes(); ++n) CHECK(c.node_stamp(n) == stamps[static_cast<std::size_t>(n)]);
  // The same worker with a CPU worker that fits is placed: one instance created.
  const Job ok = job_of({m, req(4000, 1024, 0)}, false);
  REQUIRE(placer.place(1, ok, c, *policy));
  CHECK(c.mig_instances_created() == 1);
  c.check_invariants();
}
