// MIG requests go through the placement policy like every other request: the built-in policies
// share one MIG rule (place_mig), a custom policy sees MIG requests in place() and its choice is
// honoured, and a wrong MIG answer is rejected (check_answer, ClusterState::allocate) with the
// cluster left as it was.
#include <doctest/doctest.h>

#include <memory>
#include <tuple>

#include "policies/allocate.hpp"
#include "policies/registry.hpp"
#include "sim/model/mig_catalog.hpp"
#include "sim/sched/answer_check.hpp"
#include "sim/sched/gang.hpp"

using namespace fleetsim;

namespace {

/// Two MIG-enabled A100-40GB nodes of 2 GPUs, then one plain A100-40GB node.
struct MigCluster {
  GpuModels models;
  MigCatalog cat;
  ClusterState c;
  int variant = 0, base = 0;
  int one = 0, three = 0, four = 0;  // profile ids

  MigCluster() {
    variant = models.intern(std::string("A100-40GB") + kMigSuffix);
    base = models.intern("A100-40GB");
    c.add_node("mig-0", 0, 64000, 262144, 2, variant);
    c.add_node("mig-1", 0, 64000, 262144, 2, variant);
    c.add_node("plain-0", 1, 64000, 262144, 2, base);
    cat.enable(variant, base, std::shared_ptr<const mig::Geometry>(mig::builtin("A100-40GB"), [](const mig::Geometry*) {}));
    one = cat.intern_profile("1g.5gb");
    three = cat.intern_profile("3g.20gb");
    four = cat.intern_profile("4g.20gb");
    c.enable_mig(&cat);
  }
  const mig::Geometry& geo() const { return *mig::builtin("A100-40GB"); }
  int index(const char* profile) const { return geo().find(profile); }

  Job job(int profile, int n = 1) const {
    Job j;
    j.id = "m";
    j.req.cpu_milli = 1000;
    j.req.memory_mib = 1024;
    j.req.num_gpu = n;
    j.req.mig = static_cast<std::int16_t>(profile);
    j.req.gpu_milli = 429;
    j.req.model_mask = std::uint64_t{1} << variant;
    return j;
  }
};

/// Everything a placement could change: free resources, MIG layouts and counts.
auto state(const ClusterState& c) {
  std::vector<std::tuple<std::int64_t, std::int64_t, std::vector<std::int32_t>, std::vector<std::tuple<int, int, bool>>>> nodes;
  for (int n = 0; n < c.num_nodes(); ++n) {
    const auto free = c.gpu_free(n);
    std::vector<std::tuple<int, int, bool>> inst;
    for (const auto& l : c.mig_layouts(n))
      for (const auto& i : l.instances()) inst.emplace_back(i.profile, i.start, i.used);
    nodes.emplace_back(c.free_cpu_milli(n), c.free_memory_mib(n), std::vector<std::int32_t>(free.begin(), free.end()), inst);
  }
  return std::make_tuple(nodes, c.alloc_cpu_milli(), c.alloc_memory_mib(), c.alloc_gpu_milli(), c.free_whole_gpus(),
                         c.mig_instances_created(), c.mig_instances_reused(), c.mig_instances_destroyed());
}

/// A custom policy written against PlacementPolicy directly: the last node that fits, and for a
/// request of one MIG instance the first GPU and the lowest start where it can go now, rather
/// than where the built-in rule puts it. Counts the MIG requests it sees.
class LastFit final : public policies::PlacementPolicy {
public:
  int mig_seen = 0;
  std::string_view name() const override { return "last-fit"; }
  std::optional<Allocation> place(const Job& job, const ClusterState& c) override {
    const Request& r = job.req;
    mig_seen += r.mig >= 0;
    for (int n = c.num_nodes(); n-- > 0;) {
      if (!c.fits(n, r)) continue;
      if (r.mig < 0 || r.num_gpu != 1) return policies::allocate_on_node(c, n, r);
      const mig::Geometry& g = *c.mig_geometry(n);
      const int p = c.mig_profile(n, r.mig);
      const auto layouts = c.mig_layouts(n);
      for (int k = 0; k < static_cast<int>(layouts.size()); ++k)
        for (int start : g.profiles[static_cast<std::size_t>(p)].starts) {
          if (!layouts[static_cast<std::size_t>(k)].plan_at(g, p, start)) continue;
          Allocation a{n, r.cpu_milli, r.memory_mib, {{k, g.milli(p, start)}}, {}, {}, {}};
          a.mig.push_back({k, static_cast<std::int16_t>(p), static_cast<std::int16_t>(start)});
          return a;
        }
    }
    return std::nullopt;
  }
};

/// A policy that answers every request with a fixed allocation.
class Fixed final : public policies::PlacementPolicy {
public:
  explicit Fixed(Allocation a) : a_(std::move(a)) {}
  std::string_view name() const override { return "fixed"; }
  std::optional<Allocation> place(const Job&, const ClusterState&) override { return a_; }

private:
  Allocation a_;
};

} // namespace

TEST_CASE("every built-in placement policy places MIG requests by the shared rule (place_mig)") {
  MigCluster m;
  auto first = policies::make_placement("first-fit", nlohmann::json::object(), 1);
  PartsPlacer placer(m.c, first.get());
  REQUIRE(placer.place(0, m.job(m.three), m.c, *first));  // mig-0, GPU 0 at 4
  const Job two = m.job(m.one, 2);
  const auto want = policies::place_mig(m.c, two.req);
  REQUIRE(want);
  CHECK(want->node == 0);  // packs the GPU already in use
  CHECK(want->mig.size() == 2);
  for (const auto& name : policies::placement_names()) {
    CAPTURE(name);
    // No fragmentation target: fgd would throw for any other request; MIG requests never reach it.
    auto p = policies::make_placement(name, nlohmann::json::object(), 7);
    const auto a = p->place(two, m.c);
    REQUIRE(a);
    CHECK(*a == *want);
  }
}

TEST_CASE("a custom placement policy sees MIG requests in place() and its choice is honoured") {
  MigCluster m;
  LastFit custom;
  PartsPlacer placer(m.c, &custom);
  const Job j = m.job(m.one);
  const auto builtin = policies::place_mig(m.c, j.req);
  REQUIRE(builtin);
  CHECK(builtin->node == 0);  // the shared rule: lowest index among equal nodes
  CHECK(builtin->mig.front().start == 6);
  auto parts = placer.place(0, j, m.c, custom);
  REQUIRE(parts);
  CHECK(custom.mig_seen == 1);
  const Allocation& a = parts->front();
  CHECK(a.node == 1);  // the last MIG node, where place_mig takes mig-0
  // Its slot too: 1g.5gb at slice 0, where the shared rule takes slice 6.
  const int one = m.index("1g.5gb");
  CHECK(a.mig == std::vector<MigSlice>{{0, static_cast<std::int16_t>(one), 0}});
  CHECK(a.gpus == std::vector<GpuShare>{{0, 142}});
  const auto& inst = m.c.mig_layouts(1)[0].instances();
  REQUIRE(inst.size() == 1);
  CHECK(inst[0].start == 0);
  CHECK(inst[0].used);
  CHECK(m.c.mig_instances_created() == 1);
  CHECK(placer.layout(2).used_instances() == 1);  // flat GPU 2 = mig-1's GPU 0
  CHECK(placer.devices(0, 0, a) == std::vector<std::int32_t>{142});
  m.c.check_invariants();
  // Through find_mig as well: the placer's policy decides (the next slot: 1g.5gb at slice 1).
  const auto next = placer.find_mig(m.c, j.req);
  REQUIRE(next);
  CHECK(next->alloc.node == 1);
  CHECK(next->slices == std::vector<MigSlice>{{0, static_cast<std::int16_t>(one), 1}});
  // Released, the instance stays idle and the node's stamp moves.
  const auto stamp = m.c.node_stamp(1);
  placer.release(0, 0, a, m.c);
  CHECK(m.c.node_stamp(1) != stamp);
  CHECK(m.c.empty());
  CHECK(m.c.mig_layouts(1)[0].instances().size() == 1);
  CHECK_FALSE(m.c.mig_layouts(1)[0].instances()[0].used);
  m.c.check_invariants();
}

TEST_CASE("a wrong MIG answer is rejected and leaves the cluster unchanged") {
  MigCluster m;
  auto first = policies::make_placement("first-fit", nlohmann::json::object(), 1);
  PartsPlacer placer(m.c, first.get());
  REQUIRE(placer.place(0, m.job(m.three), m.c, *first));  // mig-0 GPU 0: 3g at 4
  const auto before = state(m.c);
  const int three = m.index("3g.20gb"), four = m.index("4g.20gb");
  const auto s16 = [](int v) { return static_cast<std::int16_t>(v); };
  auto rejected = [&](const Job& j, const Allocation& a, const std::string& why) {
    Fixed policy(a);
    CHECK_THROWS_WITH_AS(check_answer(policy, j.req, a, m.c, "job m"),
                         ("placement policy fixed returned an allocation that " + why + " for job m").c_str(),
                         std::logic_error);
    CHECK_THROWS_AS(placer.place(1, j, m.c, policy), std::logic_error);
    m.c.check_invariants();
    CHECK(state(m.c) == before);
  };

  // Wrong profile: a 4g.20gb instance for a 3g.20gb request.
  rejected(m.job(m.three), Allocation{1, 1000, 1024, {{0, 571}}, {}, {}, {{0, s16(four), 0}}},
           "holds a MIG instance of another profile");
  // Too few instances: one for a request of two.
  rejected(m.job(m.three, 2), Allocation{1, 1000, 1024, {{0, 428}}, {}, {}, {{0, s16(three), 0}}},
           "does not hold the number of MIG instances asked");
  // Shares that are not the instances' charges.
  rejected(m.job(m.three), Allocation{1, 1000, 1024, {{0, 500}}, {}, {}, {{0, s16(three), 0}}},
           "holds a GPU share that is not the charge of its MIG instances");
  // A plain share for a MIG request, and MIG instances on the plain node.
  rejected(m.job(m.three), Allocation{1, 1000, 1024, {{0, 429}}, {}, {}, {}},
           "does not hold the number of MIG instances asked");
  rejected(m.job(m.three), Allocation{2, 1000, 1024, {{0, 428}}, {}, {}, {{0, s16(three), 0}}},
           "is on a GPU model the request excludes");
  // MIG instances for a request without a profile.
  Job plain = m.job(m.three);
  plain.req.mig = -1;
  plain.req.gpu_milli = 428;
  rejected(plain, Allocation{0, 1000, 1024, {{1, 428}}, {}, {}, {{1, s16(three), 0}}},
           "holds MIG instances for a request without a MIG profile");

  // Right shape, wrong slots: check_answer passes, ClusterState::allocate refuses atomically.
  auto refused = [&](const Job& j, const Allocation& a, const std::string& why) {
    Fixed policy(a);
    check_answer(policy, j.req, a, m.c, "job m");
    CHECK_THROWS_WITH_AS(m.c.allocate(a), why.c_str(), std::logic_error);
    CHECK_THROWS_AS(placer.place(1, j, m.c, policy), std::logic_error);
    m.c.check_invariants();
    CHECK(state(m.c) == before);
  };
  // Over the instance in use (mig-0 GPU 0 holds a 3g at 4).
  refused(m.job(m.three), Allocation{0, 1000, 1024, {{0, 429}}, {}, {}, {{0, s16(three), 4}}},
          "allocate on node 0: MIG instance 3g.20gb at slice 4 of GPU 0 cannot be placed there now");
  // Not an allowed start.
  refused(m.job(m.three), Allocation{0, 1000, 1024, {{1, m.geo().milli(three, 2)}}, {}, {}, {{1, s16(three), 2}}},
          "allocate on node 0: MIG instance 3g.20gb at slice 2 of GPU 1 cannot be placed there now");
  // The second instance over the first: the first is not applied either.
  refused(m.job(m.three, 2), Allocation{0, 1000, 1024, {{1, 856}}, {}, {}, {{1, s16(three), 0}, {1, s16(three), 0}}},
          "allocate on node 0: MIG instance 3g.20gb at slice 0 of GPU 1 cannot be placed there now");
  // Releasing instances that are not in use.
  CHECK_THROWS_AS(m.c.release(Allocation{0, 0, 0, {{1, 428}}, {}, {}, {{1, s16(three), 0}}}), std::logic_error);
  CHECK(state(m.c) == before);
}
