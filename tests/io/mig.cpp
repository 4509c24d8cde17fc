// MIG geometry: the built-in profile tables against NVIDIA's `nvidia-smi mig -lgipp`, exact
// milli charges, invalid layouts rejected, instances created on demand and GPUs repartitioned
// only where no instance in use conflicts; MIG packing on a cluster; located scenario errors.
#include <doctest/doctest.h>

#include <numeric>

#include "policies/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/model/mig.hpp"
#include "sim/sched/gang.hpp"
#include "sim/io/scenario.hpp"
#include "sim/io/work_catalog.hpp"

using namespace fleetsim;
using namespace fleetsim::mig;

namespace {

int idx(const Geometry& g, const char* name) {
  const int p = g.find(name);
  REQUIRE(p >= 0);
  return p;
}

std::string scenario_error(const nlohmann::json& doc) {
  try {
    (void)scenario_from_json(doc, "scenario.json", ".");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(valid)";
}

/// One MIG-enabled A100-40GB node type, one plain A100-40GB node type, and inline jobs.
nlohmann::json mig_doc(nlohmann::json jobs) {
  return {{"name", "mig"},
          {"cluster",
           {{"nodes",
             {{{"name", "mig"}, {"cpu_milli", 64000}, {"memory_mib", 262144}, {"gpus", 2}, {"gpu_model", "A100-40GB"}, {"mig", true}},
              {{"name", "whole"}, {"cpu_milli", 64000}, {"memory_mib", 262144}, {"gpus", 2}, {"gpu_model", "A100-40GB"}}}}}},
          {"workload", {{"jobs", jobs}}}};
}

nlohmann::json job(const char* id, nlohmann::json extra) {
  nlohmann::json j = {{"id", id}, {"submit_s", 0}, {"duration_s", 10}, {"cpu_milli", 1000}, {"memory_mib", 1024},
                      {"num_gpu", 1}, {"gpu_milli", 1000}};
  for (auto& [k, v] : extra.items()) j[k] = v;
  if (j.contains("mig")) j.erase("gpu_milli");  // the profile fixes the share
  return j;
}

} // namespace

TEST_CASE("built-in geometries are NVIDIA's placement tables") {
  const Geometry* a100 = builtin("A100-40GB");
  REQUIRE(a100);
  CHECK(a100->memory_slices == 8);
  CHECK(a100->compute_slices == 7);
  // nvidia-smi mig -lgipp on an A100-40GB: profile 19 {0..6}:1, 20 {0..6}:1, 15 {0,2,4,6}:2,
  // 14 {0,2,4}:2, 9 {0,4}:4, 5 {0}:4, 0 {0}:8.
  struct Row {
    const char* name;
    int compute, memory;
    std::vector<int> starts;
    std::int64_t mib;
  };
  const std::vector<Row> want = {{"1g.5gb", 1, 1, {0, 1, 2, 3, 4, 5, 6}, 5120},   {"1g.5gb+me", 1, 1, {0, 1, 2, 3, 4, 5, 6}, 5120},
                                 {"1g.10gb", 1, 2, {0, 2, 4, 6}, 10240},          {"2g.10gb", 2, 2, {0, 2, 4}, 10240},
                                 {"3g.20gb", 3, 4, {0, 4}, 20480},                {"4g.20gb", 4, 4, {0}, 20480},
                                 {"7g.40gb", 7, 8, {0}, 40960}};
  REQUIRE(a100->profiles.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(want[i].name);
    const auto& p = a100->profiles[i];
    CHECK(p.name == want[i].name);
    CHECK(p.compute_slices == want[i].compute);
    CHECK(p.memory_slices == want[i].memory);
    CHECK(p.starts == want[i].starts);
    CHECK(p.memory_mib == want[i].mib);
  }
  CHECK(a100->profiles[1].max_instances == 1);
  CHECK(a100->profiles[1].media_extensions);
  CHECK(builtin("A100") == a100);
  const Geometry* h100 = builtin("H100");
  REQUIRE(h100);
  CHECK(h100->profile_list() == "1g.10gb, 1g.10gb+me, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb");
  const Geometry* a30 = builtin("A30-24GB");
  REQUIRE(a30);
  CHECK(a30->memory_slices == 4);
  CHECK(a30->profile_list() == "1g.6gb, 1g.6gb+me, 2g.12gb, 2g.12gb+me, 4g.24gb");
  CHECK(a30->profiles[idx(*a30, "2g.12gb")].starts == std::vector<int>{0, 2});
  CHECK(builtin("V100") == nullptr);
  CHECK(builtin_models() == std::vector<std::string>{"A30-24GB", "A100-40GB", "A100-80GB", "H100-80GB", "H100-94GB", "H200-141GB"});
}

TEST_CASE("milli charges: the compute slices an instance covers, a whole GPU exactly 1000") {
  const Geometry& g = *builtin("A100-40GB");
  const int one = idx(g, "1g.5gb"), three = idx(g, "3g.20gb"), four = idx(g, "4g.20gb"), seven = idx(g, "7g.40gb");
  int sum = 0;
  for (int s = 0; s < 7; ++s) sum += g.milli(one, s);
  CHECK(sum == 1000);
  CHECK(g.milli(one, 0) == 142);
  CHECK(g.milli(one, 3) == 143);
  CHECK(g.milli(three, 0) == 428);
  CHECK(g.milli(three, 4) == 429);
  CHECK(g.milli(four, 0) + g.milli(three, 4) == 1000);
  CHECK(g.milli(seven, 0) == 1000);
  CHECK(g.nominal_milli(three) == 429);
  CHECK(g.nominal_milli(one) == 143);
  // 3g.20gb at slice 4 spans memory slices 4-7 and compute slices 4-6.
  CHECK(g.memory_mask(three, 4) == 0xF0u);
  CHECK(g.compute_mask(three, 4) == 0x70u);
  const Geometry& a30 = *builtin("A30");
  CHECK(a30.milli(idx(a30, "1g.6gb"), 2) == 250);
}

TEST_CASE("invalid layouts are rejected with the reason") {
  const Geometry& g = *builtin("A100-40GB");
  const int one = idx(g, "1g.5gb"), me = idx(g, "1g.5gb+me"), two = idx(g, "2g.10gb"), three = idx(g, "3g.20gb"),
            four = idx(g, "4g.20gb"), seven = idx(g, "7g.40gb");
  // Valid: 4g + 3g; 2g x 3 + 1g; 7 x 1g; 3g + 3g; 7g alone.
  CHECK(layout_error(g, {{four, 0}, {three, 4}}).empty());
  CHECK(layout_error(g, {{two, 0}, {two, 2}, {two, 4}, {one, 6}}).empty());
  CHECK(layout_error(g, {{one, 0}, {one, 1}, {one, 2}, {one, 3}, {one, 4}, {one, 5}, {one, 6}}).empty());
  CHECK(layout_error(g, {{three, 0}, {three, 4}}).empty());
  CHECK(layout_error(g, {{seven, 0}}).empty());
  // Invalid.
  CHECK(layout_error(g, {{three, 2}}) == "3g.20gb at slice 2: not an allowed start (allowed: 0, 4)");
  CHECK(layout_error(g, {{one, 7}}) == "1g.5gb at slice 7: not an allowed start (allowed: 0, 1, 2, 3, 4, 5, 6)");
  CHECK(layout_error(g, {{two, 0}, {one, 1}}) == "1g.5gb at slice 1: overlaps the memory slices of another instance");
  CHECK(layout_error(g, {{four, 0}, {three, 0}}) == "3g.20gb at slice 0: overlaps the memory slices of another instance");
  CHECK(layout_error(g, {{three, 0}, {three, 4}, {one, 3}}) ==
        "1g.5gb at slice 3: overlaps the memory slices of another instance");
  CHECK(layout_error(g, {{seven, 0}, {one, 0}}) == "1g.5gb at slice 0: overlaps the memory slices of another instance");
  CHECK(layout_error(g, {{me, 0}, {me, 1}}) == "1g.5gb+me at slice 1: more than 1 instance(s) of 1g.5gb+me");
  // 2g.10gb at 4 (compute 4-5) and 1g.10gb at 6 (memory 6-7, compute 6) fit; 3g at 4 and 1g at 6 do not.
  CHECK(layout_error(g, {{two, 4}, {idx(g, "1g.10gb"), 6}}).empty());
  CHECK(layout_error(g, {{three, 4}, {one, 6}}) == "1g.5gb at slice 6: overlaps the memory slices of another instance");
}

TEST_CASE("instances are created on demand where they keep the most placements open") {
  const Geometry& g = *builtin("A100-40GB");
  const int one = idx(g, "1g.5gb"), two = idx(g, "2g.10gb"), three = idx(g, "3g.20gb"), four = idx(g, "4g.20gb");
  GpuLayout l;
  // On an empty GPU a 1g instance at slice 6 leaves 20 placements (at slice 0: 18).
  auto p = l.plan(g, one);
  REQUIRE(p);
  CHECK(p->start == 6);
  CHECK(p->options_left == 20);
  CHECK(placements_possible(g, g.memory_mask(one, 0), g.compute_mask(one, 0)) == 18);
  CHECK(l.apply(g, one, *p) == 0);
  p = l.plan(g, three);
  REQUIRE(p);
  CHECK(p->start == 0);  // 3g at 4 would overlap the 1g at 6
  l.apply(g, three, *p);
  CHECK_FALSE(l.plan(g, four));  // 4g only at 0: taken
  p = l.plan(g, two);
  REQUIRE(p);
  CHECK(p->start == 4);
  l.apply(g, two, *p);
  CHECK(l.used_compute_slices() == 6);
  CHECK(l.used_instances() == 3);
  CHECK(layout_error(g, {{one, 6}, {three, 0}, {two, 4}}).empty());
}

TEST_CASE("a GPU is repartitioned only where it is empty of conflicting instances") {
  const Geometry& g = *builtin("A100-40GB");
  const int one = idx(g, "1g.5gb"), three = idx(g, "3g.20gb"), four = idx(g, "4g.20gb"), seven = idx(g, "7g.40gb");
  GpuLayout l;
  l.apply(g, three, *l.plan(g, three));  // at 4 (keeps 4g at 0 possible)
  CHECK(l.instances().back().start == 4);
  l.apply(g, three, *l.plan(g, three));  // at 0
  CHECK_FALSE(l.plan(g, one));           // full
  l.release(g, three, 4);                // idle instance at 4 stays
  CHECK(l.instances().size() == 2);
  CHECK_FALSE(l.plan(g, four));   // 4g needs slices 0-3: the 3g at 0 is in use
  CHECK_FALSE(l.plan(g, seven));  // likewise
  // Another 3g reuses the idle instance: no reconfiguration.
  auto p = l.plan(g, three);
  REQUIRE(p);
  CHECK(p->reuse);
  CHECK(p->start == 4);
  CHECK(p->destroyed == 0);
  // A 1g instead destroys the idle 3g at 4 and takes a slice there.
  p = l.plan(g, one);
  REQUIRE(p);
  CHECK_FALSE(p->reuse);
  CHECK(p->destroyed == 1);
  CHECK(p->start >= 4);
  CHECK(l.apply(g, one, *p) == 1);
  CHECK(l.instances().size() == 2);
  // Everything released: a 7g destroys both idle instances.
  l.release(g, three, 0);
  l.release(g, one, p->start);
  CHECK(l.empty());
  p = l.plan(g, seven);
  REQUIRE(p);
  CHECK(p->destroyed == 2);
  CHECK(l.apply(g, seven, *p) == 2);
  CHECK_THROWS_AS(l.release(g, one, 0), std::logic_error);
  // Media extensions: one instance per GPU.
  GpuLayout m;
  const int me = idx(g, "1g.5gb+me");
  m.apply(g, me, *m.plan(g, me));
  CHECK_FALSE(m.plan(g, me));
  CHECK(m.plan(g, one));
}

TEST_CASE("MIG packing on a cluster: fullest GPU first, charges exact, plain jobs kept off") {
  ClusterState c;
  GpuModels models;
  const int variant = models.intern(std::string("A100-40GB") + kMigSuffix);
  const int base = models.intern("A100-40GB");
  c.add_node("mig-0", 0, 64000, 262144, 2, variant);
  c.add_node("plain-0", 1, 64000, 262144, 2, base);
  MigCatalog cat;
  cat.enable(variant, base, std::shared_ptr<const Geometry>(builtin("A100-40GB"), [](const Geometry*) {}));
  const int three = cat.intern_profile("3g.20gb"), four = cat.intern_profile("4g.20gb"), one = cat.intern_profile("1g.5gb");
  CHECK(cat.variants_of(std::uint64_t{1} << base) == (std::uint64_t{1} << variant));
  CHECK(cat.variants_of(0) == (std::uint64_t{1} << variant));
  c.enable_mig(&cat);
  auto policy = policies::make_placement("first-fit", nlohmann::json::object(), 1);
  PartsPlacer placer(c, policy.get());
  CHECK(placer.mig_gpus() == 2);

  auto mig_job = [&](int profile, int n = 1) {
    Job j;
    j.id = "m";
    j.req.cpu_milli = 1000;
    j.req.memory_mib = 1024;
    j.req.num_gpu = n;
    j.req.mig = static_cast<std::int16_t>(profile);
    j.req.gpu_milli = 429;
    j.req.model_mask = std::uint64_t{1} << variant;
    return j;
  };
  std::vector<std::vector<Allocation>> held;
  auto place = [&](const Job& j) {
    auto a = placer.place(static_cast<int>(held.size()), j, c, *policy);
    if (a) held.push_back(*a);
    return a.has_value();
  };
  REQUIRE(place(mig_job(three)));  // GPU 0 at 4
  CHECK(held[0][0].node == 0);
  CHECK(held[0][0].gpus == std::vector<GpuShare>{{0, 429}});
  REQUIRE(place(mig_job(three)));  // the fullest GPU: GPU 0 again, at 0
  CHECK(held[1][0].gpus == std::vector<GpuShare>{{0, 428}});
  REQUIRE(place(mig_job(three)));  // GPU 1 at 4
  CHECK(held[2][0].gpus == std::vector<GpuShare>{{1, 429}});
  REQUIRE(place(mig_job(four)));  // GPU 1 at 0: both GPUs full
  CHECK(held[3][0].gpus == std::vector<GpuShare>{{1, 571}});
  CHECK(c.alloc_gpu_milli() == 429 + 428 + 429 + 571);
  CHECK(placer.layout(1).used_compute_slices() == 7);
  CHECK_FALSE(place(mig_job(one)));
  CHECK(placer.instances_created() == 4);
  c.check_invariants();

  // A plain GPU job never lands on the MIG GPUs (its models exclude the MIG variant).
  Job plain;
  plain.id = "p";
  plain.req = {1000, 1024, 2, 1000, std::uint64_t{1} << base, -1};
  auto a = policy->place(plain, c);
  REQUIRE(a);
  CHECK(a->node == 1);

  // Two instances in one request may share a GPU: one share of their summed milli.
  placer.release(3, 0, held[3][0], c);
  placer.release(2, 0, held[2][0], c);
  auto two = placer.find_mig(c, mig_job(three, 2).req);
  REQUIRE(two);
  CHECK(two->alloc.gpus == std::vector<GpuShare>{{1, 429 + 428}});  // reuses the idle 3g at 4, then 3g at 0
  CHECK(two->slices.size() == 2);
  // Releasing keeps idle instances; the next request of that profile reuses one.
  REQUIRE(place(mig_job(four)));
  CHECK(placer.instances_reused() == 1);
  CHECK(placer.instances_created() == 4);
  CHECK(placer.devices(4, 0, held[4][0]) == std::vector<std::int32_t>{571});
}

TEST_CASE("MIG scenario errors are located") {
  using nlohmann::json;
  CHECK(scenario_error(mig_doc(json::array({job("a", {{"mig", "3g.20gb"}})}))) == "(valid)");
  auto with_milli = mig_doc(json::array({job("a", {{"mig", "3g.20gb"}})}));
  with_milli["workload"]["jobs"][0]["gpu_milli"] = 429;
  CHECK(scenario_error(with_milli) == "scenario.json: /workload/jobs/0/gpu_milli: not with mig: the MIG profile fixes "
                                      "the share; leave it out, got 429");
  CHECK(scenario_error(mig_doc(json::array({job("a", {{"mig", "3g.40gb"}})}))) ==
        "scenario.json: /workload/jobs/0/mig: no MIG-enabled GPU model has profile \"3g.40gb\" (A100-40GB: 1g.5gb, "
        "1g.5gb+me, 1g.10gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb), got \"3g.40gb\"");
  CHECK(scenario_error(mig_doc(json::array({job("a", {{"gpu_models", "A100-40GB (MIG)"}})}))) ==
        "scenario.json: /workload/jobs/0/gpu_models: MIG-enabled GPUs serve only MIG instances; request one with "
        "\"mig\", got \"A100-40GB (MIG)\"");
  auto d = mig_doc(json::array({job("a", {})}));
  d["cluster"]["nodes"][0]["gpu_model"] = "V100";
  CHECK(scenario_error(d).starts_with("scenario.json: /cluster/nodes/0/mig: GPU model \"V100\" has no MIG geometry; built in: "
                                      "A30-24GB, A100-40GB, A100-80GB, H100-80GB, H100-94GB, H200-141GB"));
  // Declared geometries: checked, and usable.
  d["cluster"]["mig_models"] = json::array({{{"model", "V100"}, {"memory_slices", 4}, {"compute_slices", 4},
                                             {"profiles", json::array({{{"name", "2g.8gb"}, {"compute_slices", 2},
                                                                        {"memory_slices", 2}, {"starts", {0, 3}}}})}}});
  CHECK(scenario_error(d) == "scenario.json: /cluster/mig_models/0/profiles/0/starts/1: an instance of 2 memory slice(s) "
                             "starting at 3 passes the GPU's last memory slice (3)");
  d["cluster"]["mig_models"][0]["profiles"][0]["starts"] = {0, 2};
  d["workload"]["jobs"][0]["mig"] = "2g.8gb";
  d["workload"]["jobs"][0].erase("gpu_milli");
  CHECK(scenario_error(d) == "(valid)");
  auto e = mig_doc(json::array({job("a", {})}));
  e["cluster"]["nodes"][0]["gpus"] = 0;
  CHECK(scenario_error(e) == "scenario.json: /cluster/nodes/0/mig: MIG needs GPUs (gpus > 0)");
}
