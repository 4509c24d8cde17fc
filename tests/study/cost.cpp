// Cost and energy arithmetic on hand-computed cases, plan targets, and the plan search against
// fake probes (no simulation).
#include <doctest/doctest.h>

#include "sim/measure/cost.hpp"
#include "sim/common/error.hpp"
#include "sim/study/plan.hpp"

using namespace fleetsim;

namespace {

constexpr double kYear = 365.25 * 86400.0;

/// Two GPUs (one busy the whole hour) and one server (half its CPU allocated the whole hour).
cost::Usage hand_usage() {
  cost::Usage u;
  u.window_s = 3600;
  cost::Asset g;
  g.name = "gpu:X@s";
  g.gpu = true;
  g.count = 2;
  g.price_usd = 0.001 * kYear;  // 0.001 USD per GPU-second over one year
  g.usd_per_hour = 2.0;
  g.idle_w = 100, g.busy_w = 300, g.busy_s = 3600;
  cost::Asset s;
  s.name = "server:s";
  s.count = 1;
  s.price_usd = 0.002 * kYear;
  s.usd_per_hour = 1.0;
  s.idle_w = 200, s.busy_w = 400, s.busy_s = 1800;
  u.assets = {g, s};
  u.kinds.gpu_alloc_s = {3600, 0, 0};
  u.kinds.cpu_alloc_s = {900, 0, 900};
  u.kinds.completed = {2, 0, 1};
  return u;
}

cost::Tariff hand_tariff() {
  cost::Tariff t;
  t.amortization_years = 1;
  t.electricity_usd_per_kwh = 0.10;
  t.pue = 1.5;
  t.hours_per_month = 730;
  return t;
}

} // namespace

TEST_CASE("owned hardware: capex, energy, idle GPU cost, attribution by kind") {
  const cost::Result r = cost::compute(hand_tariff(), hand_usage());
  // GPUs: 2·100 W·3600 s + 200 W·3600 s = 1.44 MJ; server: 200 W·3600 s + 200 W·1800 s = 1.08 MJ.
  CHECK(r.it_energy_kwh == doctest::Approx(0.7));
  CHECK(r.mean_power_w == doctest::Approx(700));
  CHECK(r.usd_capex == doctest::Approx(14.4));           // 0.001·2·3600 + 0.002·3600
  CHECK(r.usd_energy == doctest::Approx(0.105));         // 0.7 kWh · 1.5 · 0.10
  CHECK(r.usd_total == doctest::Approx(14.505));
  CHECK(r.usd_per_month == doctest::Approx(14.505 * 730));
  CHECK(r.usd_per_busy_gpu_hour == doctest::Approx(14.505));  // one busy GPU-hour
  CHECK(r.usd_idle == doctest::Approx(3.615));           // 3600 idle GPU-s · (0.001 + 100 W · 0.15/3.6e6)
  // GPU side 7.26 by GPU time (all training); server side 7.245 by CPU time (half each).
  CHECK(r.usd_by_kind[0] == doctest::Approx(10.8825));
  CHECK(r.usd_by_kind[1] == doctest::Approx(0));
  CHECK(r.usd_by_kind[2] == doctest::Approx(3.6225));
  CHECK(r.usd_per_completed_job == doctest::Approx(14.505 / 3));
  const auto j = cost::to_json(r);
  CHECK(j["usd_by_kind"]["training"]["usd_per_completed_job"].get<double>() == doctest::Approx(5.44125));
  CHECK(j["usd_by_kind"]["inference"]["usd_per_completed_job"].get<double>() == 0);
}

TEST_CASE("cloud pricing: rent per unit-hour, energy reported but not billed") {
  cost::Tariff t = hand_tariff();
  t.cloud = true;
  const cost::Result r = cost::compute(t, hand_usage());
  CHECK(r.usd_capex == doctest::Approx(5.0));  // 2 GPUs · 2 USD + 1 server · 1 USD, one hour
  CHECK(r.usd_energy == 0);
  CHECK(r.it_energy_kwh == doctest::Approx(0.7));
  CHECK(r.usd_total == doctest::Approx(5.0));
  CHECK(r.usd_idle == doctest::Approx(2.0));   // one idle GPU-hour at 2 USD
}

TEST_CASE("GPU defaults by family prefix") {
  CHECK(cost::gpu_default("A100-80GB").busy_w == 400);
  CHECK(cost::gpu_default("H100").busy_w == 700);
  CHECK(cost::gpu_default("V100M32").busy_w == 300);
  CHECK(cost::gpu_default("T4").busy_w == 70);
  CHECK(cost::gpu_default("A10").busy_w == 150);
  CHECK(cost::gpu_default("G2").busy_w == 400);  // unknown: as A100
}

TEST_CASE("plan targets: syntax and metric names") {
  CHECK(plan::known_metric("wait_s.p95"));
  CHECK(plan::known_metric("jobs.unplaceable"));
  CHECK(plan::known_metric("usd_per_month"));
  CHECK(plan::known_metric("usd_by_kind.training.usd"));
  CHECK(plan::known_metric("run_s_mean_by_gpus.8"));
  CHECK_FALSE(plan::known_metric("wait_s.p96"));
  CHECK_FALSE(plan::known_metric("wait_s"));
  const auto t = plan::parse_target("jobs.completed == jobs.total", "s.json", "/plan/targets/0");
  CHECK(t.metric == "jobs.completed");
  CHECK(t.op == "==");
  CHECK(t.rhs_metric == "jobs.total");
  CHECK(plan::parse_target("wait_s.p95<=600", "s.json", "/p").rhs == 600);
  CHECK_THROWS_WITH_AS(plan::parse_target("wait.p95 <= 600", "s.json", "/plan/targets/1"),
                       "s.json: /plan/targets/1: unknown metric \"wait.p95\" in target \"wait.p95 <= 600\"",
                       InputError);
  CHECK_THROWS_WITH_AS(plan::parse_target("wait_s.p95 about 600", "s.json", "/plan/targets/0"),
                       "s.json: /plan/targets/0: expected \"METRIC OP VALUE\" with OP one of <=, <, >=, >, ==, !=, "
                       "got \"wait_s.p95 about 600\"",
                       InputError);

  nlohmann::ordered_json s;
  s["metrics"]["wait_s"]["p95"] = 601.0;
  s["metrics"]["jobs"]["completed"] = 5;
  s["metrics"]["jobs"]["total"] = 5;
  const auto r = plan::evaluate({plan::parse_target("wait_s.p95 <= 600", "s", "/"),
                                 plan::parse_target("jobs.completed == jobs.total", "s", "/"),
                                 plan::parse_target("frag_ratio < 1", "s", "/")},
                                s);
  CHECK_FALSE(r[0].met);
  CHECK(*r[0].value == 601.0);
  CHECK(r[1].met);
  CHECK_FALSE(r[2].met);  // absent from the summary: not met
  CHECK_FALSE(r[2].value.has_value());
}

namespace {

/// Fake probes: the summary's gpu_alloc_ratio is `score(values)`; usd_per_month = sum of values.
plan::PlanResult fake_search(const plan::PlanSpec& spec, unsigned slots,
                             const std::function<double(const std::vector<std::int64_t>&)>& score, int* calls) {
  return plan::search(spec, slots, [&](const std::vector<plan::Probe>& batch) {
    ++*calls;
    CHECK(batch.size() <= std::max<std::size_t>(slots, 1));
    std::vector<nlohmann::ordered_json> out;
    for (const auto& p : batch) {
      nlohmann::ordered_json s;
      s["cluster"]["nodes"] = p.values[0];
      s["metrics"]["gpu_alloc_ratio"] = score(p.values);
      double sum = 0;
      for (auto v : p.values) sum += double(v);
      s["metrics"]["usd_per_month"] = sum;
      out.push_back(s);
    }
    return out;
  });
}

plan::PlanSpec one_topology(std::vector<plan::Variable> vary, int max_probes) {
  plan::PlanSpec spec;
  spec.targets = {plan::parse_target("gpu_alloc_ratio >= 1", "s", "/")};
  spec.max_probes = max_probes;
  spec.topologies.push_back({"t", {}, std::move(vary)});
  return spec;
}

} // namespace

TEST_CASE("plan search: bisection finds the smallest count that meets the targets") {
  auto spec = one_topology({{"a", 1, 100, 1}}, 12);
  int calls = 0;
  const auto r = fake_search(spec, 1, [](const auto& v) { return v[0] >= 37 ? 1.0 : 0.0; }, &calls);
  REQUIRE(r.topologies[0].best);
  CHECK(r.probes[*r.topologies[0].best].probe.values == std::vector<std::int64_t>{37});
  CHECK(r.topologies[0].converged);
  CHECK(r.topologies[0].probes <= 8);  // the maximum, then log2(100) rounded up
  CHECK(calls == r.topologies[0].probes);

  // Three at a time: fewer rounds, same answer.
  calls = 0;
  const auto r3 = fake_search(spec, 3, [](const auto& v) { return v[0] >= 37 ? 1.0 : 0.0; }, &calls);
  CHECK(r3.probes[*r3.topologies[0].best].probe.values == std::vector<std::int64_t>{37});
  CHECK(r3.rounds < r.rounds);
}

TEST_CASE("plan search: variables minimised in order, step grid, budget, infeasible") {
  auto spec = one_topology({{"a", 2, 40, 2}, {"b", 0, 63, 1}}, 30);
  int calls = 0;
  auto score = [](const std::vector<std::int64_t>& v) { return v[0] >= 11 && v[1] >= 20 ? 1.0 : 0.0; };
  const auto r = fake_search(spec, 2, score, &calls);
  REQUIRE(r.topologies[0].best);
  CHECK(r.probes[*r.topologies[0].best].probe.values == std::vector<std::int64_t>{12, 20});
  CHECK(r.topologies[0].converged);

  spec.max_probes = 3;  // budget spent: the best found so far, flagged not converged
  calls = 0;
  const auto rb = fake_search(spec, 1, score, &calls);
  CHECK(rb.topologies[0].probes == 3);
  CHECK_FALSE(rb.topologies[0].converged);
  REQUIRE(rb.topologies[0].best);
  CHECK(rb.probes[*rb.topologies[0].best].met);

  calls = 0;
  const auto ri = fake_search(one_topology({{"a", 1, 10, 1}}, 12), 2, [](const auto&) { return 0.0; }, &calls);
  CHECK_FALSE(ri.topologies[0].feasible);
  CHECK_FALSE(ri.topologies[0].best);
  CHECK(ri.topologies[0].probes <= 2);  // the maximum missed: nothing smaller can meet
}
