// The research workflow's core, in-process: Student-t statistics, metric paths, sweep files
// (errors located in the sweep file), plans and aggregation, baselines, and the SVG charts.
#include <doctest/doctest.h>

#include <unistd.h>
#include <cmath>
#include <fstream>
#include <set>

#include "sim/study/baseline.hpp"
#include "sim/common/error.hpp"
#include "sim/study/html_report.hpp"
#include "sim/study/metric_paths.hpp"
#include "sim/study/stats.hpp"
#include "sim/study/sweep.hpp"

using namespace fleetsim;
using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

const std::string kGolden = FLEETSIM_SOURCE_DIR "/tests/data/golden/small.json";

fs::path temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("fleetsim-unit-wf-" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

/// Writes a sweep file over the golden scenario with `body` (the keys after "scenario").
fs::path sweep_file(const std::string& body, const std::string& name = "s.sweep.json") {
  const auto dir = temp_dir("sweeps");
  const auto f = dir / name;
  std::ofstream(f) << "{\"scenario\": \"" << kGolden << "\"" << (body.empty() ? "" : ", ") << body << "}";
  return f;
}

std::string sweep_error(const fs::path& f) {
  try {
    (void)sweep::load_sweep(f, fs::path("unused"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "(valid)";
}

ojson summary_with(const ojson& metrics) {
  ojson s;
  s["scenario"] = "x";
  s["metrics"] = metrics;
  return s;
}

}  // namespace

TEST_CASE("Student t quantiles and the 95% confidence interval") {
  // Reference values (two-sided 95%, i.e. the 0.975 quantile) from standard tables.
  const std::pair<double, double> table[] = {{1, 12.7062}, {2, 4.3027},  {4, 2.7764},
                                             {9, 2.2622},  {29, 2.0452}, {120, 1.9799}};
  for (const auto& [df, t] : table) {
    CAPTURE(df);
    CHECK(stats::student_t_quantile(0.975, df) == doctest::Approx(t).epsilon(1e-4));
  }
  CHECK(stats::student_t_quantile(0.025, 9) == doctest::Approx(-2.2622).epsilon(1e-4));
  CHECK(stats::student_t_cdf(0, 5) == doctest::Approx(0.5));
  CHECK(stats::student_t_cdf(stats::student_t_quantile(0.9, 3.5), 3.5) == doctest::Approx(0.9).epsilon(1e-12));

  const auto a = stats::aggregate({1, 2, 3, 4});
  CHECK(a.n == 4);
  CHECK(a.mean == 2.5);
  CHECK(a.std_dev == doctest::Approx(std::sqrt(5.0 / 3.0)));
  const double half = 3.182446 * std::sqrt(5.0 / 3.0) / 2;  // t(0.975, 3) s / sqrt(4)
  CHECK(a.ci95_low == doctest::Approx(2.5 - half).epsilon(1e-6));
  CHECK(a.ci95_high == doctest::Approx(2.5 + half).epsilon(1e-6));
  CHECK(a.min == 1);
  CHECK(a.max == 4);
  const auto one = stats::aggregate({7});
  CHECK(one.mean == 7);
  CHECK(std::isnan(one.std_dev));
  CHECK(std::isnan(one.ci95_low));
  const auto same = stats::aggregate({3, 3, 3});
  CHECK(same.std_dev == 0);
  CHECK(same.ci95_low == 3);
  CHECK(same.ci95_high == 3);
}

TEST_CASE("metric paths: flatten, find, directions, key metrics pick up new metrics") {
  const ojson s = summary_with(ojson::parse(R"({
      "gpu_alloc_ratio": 0.5, "frag_gpus": 3, "window_s": 100,
      "jobs": {"total": 4, "completed": 3, "unplaceable": 1, "pending_at_horizon": 0},
      "wait_s": {"count": 3, "mean": 2.5, "p50": 1, "p95": 9, "p99": 9, "max": 9},
      "fill_curve": [{"arrived_pct": 1}],
      "gpu_busy_ratio": 0.4, "stranded_gpus": 1.5,
      "cost": {"usd_total": 120.5, "usd_idle": 20, "detail": {"deep": 1}},
      "queue_delay_s": {"count": 2, "mean": 1, "p50": 1, "p95": 2, "p99": 2, "max": 2},
      "run_s_by_gpus": {"1": 10, "8": 20},
      "note": "text", "missing": null})"));
  const auto flat = flatten_metrics(s);
  CHECK(flat.size() == 26);
  CHECK(flat[0] == std::pair<std::string, double>{"gpu_alloc_ratio", 0.5});
  CHECK(find_metric(s, "wait_s.p95") == 9.0);
  CHECK(find_metric(s, "cost.detail.deep") == 1.0);
  CHECK_FALSE(find_metric(s, "wait_s"));
  CHECK_FALSE(find_metric(s, "note"));
  CHECK_FALSE(find_metric(s, "missing"));
  CHECK_FALSE(find_metric(s, "fill_curve"));
  CHECK_FALSE(find_metric(s, "nope.x"));
  CHECK(find_metric(s, "run_s_by_gpus.8") == 20.0);

  CHECK(metric_direction("gpu_alloc_ratio") == Direction::higher);
  CHECK(metric_direction("gpu_busy_ratio") == Direction::higher);
  CHECK(metric_direction("jobs.completed") == Direction::higher);
  CHECK(metric_direction("frag_ratio") == Direction::lower);
  CHECK(metric_direction("fill.frag_ratio_pct") == Direction::lower);
  CHECK(metric_direction("fill.gpu_alloc_pct") == Direction::higher);
  CHECK(metric_direction("wait_s.p95") == Direction::lower);
  CHECK(metric_direction("wait_s.count") == Direction::none);
  CHECK(metric_direction("cost.usd_per_busy_gpu_hour") == Direction::lower);
  CHECK(metric_direction("stranded_gpus") == Direction::lower);
  CHECK(metric_direction("jobs.total") == Direction::none);

  // Core rows first (in table order), then what a newer summary adds, without a code change.
  CHECK(key_metrics({&s}) == std::vector<std::string>{"gpu_alloc_ratio", "gpu_busy_ratio", "frag_gpus", "stranded_gpus",
                                                      "jobs.completed", "jobs.unplaceable", "jobs.pending_at_horizon",
                                                      "wait_s.mean", "wait_s.p95", "cost.usd_total", "cost.usd_idle",
                                                      "queue_delay_s.mean", "queue_delay_s.p95"});
  CHECK(select_metrics("wait_s.*, gpu_alloc_ratio,nope", {&s}) ==
        std::vector<std::string>{"wait_s.count", "wait_s.mean", "wait_s.p50", "wait_s.p95", "wait_s.p99", "wait_s.max",
                                 "gpu_alloc_ratio", "nope"});
  CHECK(select_metrics("all", {&s}).size() == flat.size());

  CHECK(format_metric("gpu_alloc_ratio", 0.256485) == "25.65%");
  CHECK(format_metric("fill.gpu_alloc_pct", 95.126) == "95.13");
  CHECK(format_metric("jobs.completed", 8147) == "8147");
  CHECK(format_metric("wait_s.mean", 13.908187) == "13.91");
  CHECK(format_metric("jct_s.mean", 25813.5) == "25814");
  CHECK(format_metric("x", -0.0) == "0");
  CHECK(format_metric_pm("fill.frag_gpus", 846.43, 18.654) == "846.4 \u00b1 18.7");
  CHECK(format_metric_pm("gpu_alloc_ratio", 0.9543, 0.0009) == "95.43% \u00b1 0.09%");
  CHECK(format_metric_pm("fill.failed_pods", 692, 40.04) == "692.0 \u00b1 40.0");
  CHECK(format_metric_pm("x", 2, 0.12345) == "2.000 \u00b1 0.123");
}

TEST_CASE("sweep files: errors are located in the sweep file") {
  CHECK(sweep_error(sweep_file(R"("grid": {})")) ==
        sweep_file(R"("grid": {})").string() + ": /grid: expected at least one path with a list of values, got {}");
  auto f = sweep_file(R"("grid": {"policy.placment": ["first-fit"]})");
  CHECK(sweep_error(f) == f.string() +
                              ": /grid/policy.placment: unknown scenario path \"policy.placment\" (no key "
                              "\"placment\" at /policy; did you mean \"placement\"?)");
  f = sweep_file(R"("grid": {"seed.x": [1]})");
  CHECK(sweep_error(f) == f.string() +
                              ": /grid/seed.x: unknown scenario path \"seed.x\" (/seed is a single value; it "
                              "has no \"x\")");
  f = sweep_file(R"("grid": {"cluster.nodes.first.count": [1]})");
  CHECK(sweep_error(f) == f.string() +
                              ": /grid/cluster.nodes.first.count: unknown scenario path "
                              "\"cluster.nodes.first.count\" (\"first\" is not an array index (/cluster/nodes "
                              "is an array))");
  f = sweep_file(R"("grid": {"seed": []})");
  CHECK(sweep_error(f) == f.string() + ": /grid/seed: expected a non-empty array of values, got []");
  f = sweep_file(R"("grid": {"seed": 3})");
  CHECK(sweep_error(f) == f.string() +
                              ": /grid/seed: expected a non-empty array of values or a range {\"from\": a, "
                              "\"to\": b}, got 3");
  f = sweep_file(R"("grid": {"seed": [1, 2, 1]})");
  CHECK(sweep_error(f) == f.string() + ": /grid/seed/2: duplicate value 1 (first at index 0)");
  f = sweep_file(R"("grid": {"seed": {"from": 5, "to": 2}})");
  CHECK(sweep_error(f) == f.string() + ": /grid/seed/to: expected an integer >= from (5), got 2");
  // A value the scenario validator rejects: the sweep location, then the scenario's message.
  f = sweep_file(R"("grid": {"policy.placement": ["first-fit", "bestfit"]})");
  CHECK(sweep_error(f).starts_with(f.string() + ": /grid/policy.placement/1: " + kGolden +
                                   ": /policy/placement: unknown placement policy \"bestfit\"; valid names: "));
  f = sweep_file(R"("grid": {"seed": [1, -1]})");
  CHECK(sweep_error(f) ==
        f.string() + ": /grid/seed/1: " + kGolden + ": /seed: expected a non-negative integer, got -1");
  f = sweep_file(R"("grid": {"seed": [1]}, "set": {"seed": 2})");
  CHECK(sweep_error(f) == f.string() + ": /grid/seed: also set in /set/seed; keep one");
  f = sweep_file(R"("grid": {"outputs.dir": ["a", "b"]})");
  CHECK(sweep_error(f) ==
        f.string() + ": /grid/outputs.dir: the sweep chooses each run's output folder; remove this path");
  f = sweep_file(R"("grid": {"seed": [1]}, "replicate": "policy.queue")");
  CHECK(sweep_error(f) == f.string() + ": /replicate: expected a path of /grid, got \"policy.queue\"");
  f = sweep_file(R"("grid": {"seed": [1]}, "gird": 1)");
  CHECK(sweep_error(f) == f.string() + ": /gird: unknown key; did you mean \"grid\"?");
  f = sweep_file(R"("grid": {"seed": [1]}, "set": {"policy.placement": "bestfit"})");
  CHECK(
      sweep_error(f).starts_with(f.string() + ": /set: " + kGolden + ": /policy/placement: unknown placement policy"));
  const auto dir = temp_dir("nofile");
  std::ofstream(dir / "x.sweep.json") << R"({"scenario": "nope.json", "grid": {"seed": [1]}})";
  CHECK(sweep_error(dir / "x.sweep.json") ==
        (dir / "x.sweep.json").string() + ": /scenario: file not found: " + (dir / "nope.json").string());
}

TEST_CASE("sweep plans: points, folders, hashes, and a round trip through plan.json") {
  const auto f =
      sweep_file(R"("grid": {"policy.placement": ["first-fit", "best-fit"], "seed": {"from": 3, "to": 7, "step": 2}},
                               "set": {"workload.horizon_s": 60}, "metrics": ["key", "wait_s.*"])",
                 "demo.sweep.json");
  const auto plan = sweep::load_sweep(f, fs::path("out-dir"));
  CHECK(plan.name == "demo");
  CHECK(plan.replicate == "seed");
  CHECK(plan.metrics == "key,wait_s.*");
  REQUIRE(plan.points.size() == 6);
  CHECK(plan.axes[1].values == std::vector<ojson>{3, 5, 7});
  CHECK(plan.points[0].dir == "runs/placement=first-fit/seed=3");
  CHECK(plan.points[4].dir == "runs/placement=best-fit/seed=5");
  CHECK(plan.overrides(plan.points[4]) ==
        std::vector<std::string>{"workload.horizon_s=60", "policy.placement=\"best-fit\"", "seed=5"});
  CHECK(plan.describe(plan.points[4]) == "policy.placement=\"best-fit\", seed=5");
  // Distinct scenarios hash differently; the hash is what the overrides resolve to.
  std::set<std::string> hashes;
  for (const auto& p : plan.points) hashes.insert(p.hash);
  CHECK(hashes.size() == 6);
  CHECK(plan.points[4].hash == sweep::scenario_hash(load_scenario(kGolden, plan.overrides(plan.points[4]))));
  CHECK(plan.points[4].hash != sweep::scenario_hash(load_scenario(kGolden, {"policy.placement=best-fit", "seed=5"})));
  CHECK(sweep::scenario_hash(load_scenario(kGolden, {"outputs.dir=a"})) ==
        sweep::scenario_hash(load_scenario(kGolden, {})));

  const auto back = sweep::plan_from_json(sweep::plan_to_json(plan), "plan.json");
  REQUIRE(back.points.size() == plan.points.size());
  CHECK(back.points[5].hash == plan.points[5].hash);
  CHECK(back.points[5].dir == plan.points[5].dir);
  CHECK(back.overrides(back.points[5]) == plan.overrides(plan.points[5]));
  CHECK(sweep::plan_to_json(back) == sweep::plan_to_json(plan));

  CHECK(sweep::array_ranges({0, 1, 2, 3, 7, 9, 10, 11}) == "0-3,7,9-11");
  CHECK(sweep::array_ranges({5}) == "5");
  const auto script = sweep::slurm_script(plan, {1, 2, 5}, "/opt/fleet sim/fleetsim", {"--partition=cpu"});
  CHECK(script.find("#SBATCH --array=1-2,5\n") != std::string::npos);
  CHECK(script.find("#SBATCH --partition=cpu\n") != std::string::npos);
  CHECK(script.find("exec '/opt/fleet sim/fleetsim' sweep --task \"$SLURM_ARRAY_TASK_ID\" --dir '") !=
        std::string::npos);

  // Labels that are not folder-safe, or collide once made safe, get an index.
  const auto g = sweep_file(R"("set": {"policy.placement": "best-fit"},
                               "grid": {"policy.params": [{"weight_gpu": 1}, {"weight_gpu": 2}], "seed": [1]})");
  const auto p2 = sweep::load_sweep(g, fs::path("o"));
  CHECK(p2.points[1].dir == "runs/params=v1/seed=1");
}

TEST_CASE("sweep aggregation over the replicate: mean, std, 95% CI, csv files") {
  const auto f = sweep_file(R"("grid": {"policy.placement": ["first-fit", "best-fit"], "seed": [1, 2, 3]})");
  const auto plan = sweep::load_sweep(f, fs::path("o"));
  std::vector<sweep::RunSummary> runs;
  const double alloc[] = {0.5, 0.6, 0.7, 0.9, 0.9, 0.9};
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    ojson m;
    m["gpu_alloc_ratio"] = alloc[i];
    m["jobs"] = ojson{{"completed", 10 + i}};
    if (i == 0) m["only_once"] = 1.5;
    runs.push_back({&plan.points[i], summary_with(m)});
  }
  const auto r = sweep::aggregate(plan, runs);
  REQUIRE(r["groups"].size() == 2);
  const auto& g0 = r["groups"][0];
  CHECK(g0["label"] == "first-fit");
  CHECK(g0["params"] == ojson{{"policy.placement", "first-fit"}});
  CHECK(g0["replicates"] == ojson::array({1, 2, 3}));
  CHECK(g0["runs"][2] == "runs/placement=first-fit/seed=3");
  const auto& a = g0["metrics"]["gpu_alloc_ratio"];
  CHECK(a["n"] == 3);
  CHECK(a["mean"].get<double>() == doctest::Approx(0.6));
  CHECK(a["std"].get<double>() == doctest::Approx(0.1));
  const double half = 4.302653 * 0.1 / std::sqrt(3.0);
  CHECK(a["ci95_low"].get<double>() == doctest::Approx(0.6 - half).epsilon(1e-6));
  CHECK(a["ci95_high"].get<double>() == doctest::Approx(0.6 + half).epsilon(1e-6));
  CHECK(g0["metrics"]["only_once"]["n"] == 1);
  CHECK(g0["metrics"]["only_once"]["std"].is_null());
  const auto& b = r["groups"][1]["metrics"]["gpu_alloc_ratio"];
  CHECK(b["std"] == 0.0);
  CHECK(b["ci95_low"].get<double>() == doctest::Approx(0.9));
  CHECK(r["groups"][1]["metrics"]["jobs.completed"]["mean"] == 14.0);

  const std::string csv = sweep::results_csv(plan, r);
  CHECK(
      csv.starts_with("policy.placement,metric,n,mean,std,ci95_low,ci95_high,min,max\n"
                      "first-fit,gpu_alloc_ratio,3,0.6"));
  CHECK(csv.find("\nfirst-fit,only_once,1,1.5,,,,1.5,1.5\n") != std::string::npos);
  CHECK(csv.find("\nbest-fit,jobs.completed,3,14,1,") != std::string::npos);
  const std::string rc = sweep::runs_csv(plan, runs);
  CHECK(
      rc.starts_with("policy.placement,seed,dir,gpu_alloc_ratio,jobs.completed,only_once\n"
                     "first-fit,1,runs/placement=first-fit/seed=1,0.5,10,1.5\n"
                     "first-fit,2,runs/placement=first-fit/seed=2,0.6,11,\n"));
  CHECK(sweep::csv_field("a,\"b\"") == "\"a,\"\"b\"\"\"");
}

TEST_CASE("baselines: located errors, verdicts by direction and tolerance, update") {
  auto parse_error = [](const std::string& text) {
    try {
      (void)baseline::parse(ojson::parse(text), "b.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(valid)");
  };
  CHECK(parse_error(R"({})") == "b.json: /metrics: required key is missing");
  CHECK(parse_error(R"({"metrics": {"x": {"value": 1}}})") == "b.json: /metrics/x/direction: required key is missing");
  CHECK(parse_error(R"({"metrics": {"x": {"value": 1, "direction": "up"}}})") ==
        "b.json: /metrics/x/direction: expected one of \"higher-is-better\", \"lower-is-better\", \"two-sided\", got "
        "\"up\"");
  CHECK(parse_error(R"({"metrics": {"x": {"value": 1, "direction": "two-sided", "tolerance": {"rel": -1}}}})") ==
        "b.json: /metrics/x/tolerance/rel: expected a non-negative number, got -1");
  CHECK(parse_error(R"({"metrics": {"x": {"value": 1, "direction": "two-sided", "tolerance": {"pct": 1}}}})") ==
        "b.json: /metrics/x/tolerance/pct: unknown key; allowed keys: abs, rel");

  const auto b = baseline::parse(ojson::parse(R"({"metrics": {
      "gpu_alloc_ratio": {"value": 0.5, "direction": "higher-is-better", "tolerance": {"abs": 0.01}},
      "wait_s.p95": {"value": 100, "direction": "lower-is-better", "tolerance": {"rel": 0.1, "abs": 5}},
      "jobs.total": {"value": 10, "direction": "two-sided"}}})"),
                                 "b.json");
  auto verdicts = [&](double alloc, double wait, double total) {
    const auto rows = baseline::check(
        b, summary_with({{"gpu_alloc_ratio", alloc}, {"wait_s", {{"p95", wait}}}, {"jobs", {{"total", total}}}}),
        "b.json", "s.json");
    std::vector<baseline::Verdict> v;
    for (const auto& r : rows) v.push_back(r.verdict);
    return v;
  };
  using V = baseline::Verdict;
  CHECK(verdicts(0.5, 100, 10) == std::vector<V>{V::ok, V::ok, V::ok});
  CHECK(verdicts(0.49, 110, 10) == std::vector<V>{V::ok, V::ok, V::ok});                   // at the tolerance
  CHECK(verdicts(0.489, 110.5, 10) == std::vector<V>{V::regressed, V::regressed, V::ok});  // beyond it
  CHECK(verdicts(0.52, 80, 11) == std::vector<V>{V::improved, V::improved, V::regressed});
  CHECK(verdicts(0.505, 95, 10) == std::vector<V>{V::ok, V::ok, V::ok});

  const auto rows = baseline::check(
      b, summary_with({{"gpu_alloc_ratio", 0.4}, {"wait_s", {{"p95", 100}}}, {"jobs", {{"total", 10}}}}), "b.json",
      "s.json");
  const std::string text = baseline::render(rows);
  const auto line = text.substr(text.find('\n') + 1, text.find('\n', text.find('\n') + 1) - text.find('\n') - 1);
  CHECK(line.starts_with("  gpu_alloc_ratio"));  // regressions first
  CHECK(line.find(" 50.00%  ") != std::string::npos);
  CHECK(line.find(" 40.00%  ") != std::string::npos);
  CHECK(line.find(" -10.00% (-20.00%)  ") != std::string::npos);
  CHECK(line.find(" \u00b11.00%  higher  REGRESSED") != std::string::npos);

  try {
    (void)baseline::check(b, summary_with({{"gpu_alloc_ratio", 0.5}, {"wait_s", {{"p90", 1}}}}), "b.json",
                          "out/summary.json");
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "b.json: /metrics/wait_s.p95: metric not in out/summary.json; did you mean \"wait_s.p90\"?");
  }

  // Update keeps directions and tolerances; a new baseline takes the key metrics.
  const auto s2 =
      summary_with({{"gpu_alloc_ratio", 0.7}, {"wait_s", {{"mean", 3}, {"p95", 50}}}, {"jobs", {{"total", 12}}}});
  const auto u = baseline::updated(b, s2, "b.json", "s.json", "sc.json");
  CHECK(u.scenario == "sc.json");
  CHECK(u.entries[0].value == 0.7);
  CHECK(u.entries[1].value == 50);
  CHECK(u.entries[1].rel == 0.1);
  CHECK(u.entries[2].direction == Direction::none);
  const auto fresh = baseline::updated(std::nullopt, s2, "b.json", "s.json", "sc.json");
  REQUIRE(fresh.entries.size() == 3);
  CHECK(fresh.entries[0].metric == "gpu_alloc_ratio");
  CHECK(fresh.entries[0].abs == 0.005);
  CHECK(fresh.entries[2].metric == "wait_s.p95");
  CHECK(fresh.entries[2].direction == Direction::lower);
  CHECK(fresh.entries[2].abs == 1.0);
  CHECK(fresh.entries[2].rel == 0.02);
  CHECK(baseline::parse(baseline::to_json(fresh), "x").entries.size() == 3);
  const std::string text_file = baseline::to_text(fresh);
  CHECK(text_file.find(
            "\n    \"wait_s.p95\": {\"value\": 50.0, \"direction\": \"lower-is-better\", \"tolerance\": {\"abs\": 1.0, "
            "\"rel\": 0.02}}\n  }\n}\n") != std::string::npos);
  CHECK(ojson::parse(text_file) == baseline::to_json(fresh));
}

TEST_CASE("charts: SVG of long series stays small, text is escaped, busy GPUs appear when present") {
  report::LineChart ch;
  ch.id = "c1";
  ch.title = "a <b> & \"c\"";
  ch.x_is_time = true;
  report::Series s;
  s.label = "run";
  for (int i = 0; i < 200000; ++i) {
    s.x.push_back(i * 60.0);
    s.y.push_back(i % 97 == 0 ? 50 : i % 7);
  }
  ch.series.push_back(s);
  const std::string svg = report::render_line_chart(ch);
  CHECK(svg.size() < 200000);
  CHECK(svg.find("<figure class=\"chart\" id=\"c1\">") != std::string::npos);
  CHECK(svg.find("a &lt;b&gt; &amp; &quot;c&quot;") != std::string::npos);
  CHECK(svg.find("(days)") != std::string::npos);
  CHECK(svg.find(">50<") != std::string::npos);  // the y axis reaches the spikes: they survive the reduction

  const std::string ts =
      "time_s,gpu_alloc_milli,gpu_busy_milli,queue_length,running_jobs,frag_gpus\n"
      "0,1000,500,0,1,0.5\n10,3000,2000,2,3,1.5\n";
  ojson sum = summary_with({{"gpu_alloc_ratio", 0.5}});
  sum["mode"] = "replay";
  sum["cluster"] = {{"nodes", 1}, {"gpus", 4}};
  const std::string html = report::runs_report("t", {{"run", sum, ts}}, {"gpu_alloc_ratio"});
  CHECK(html.starts_with("<!DOCTYPE html>"));
  for (const char* id : {"chart-gpu-alloc", "chart-frag", "chart-queue", "metrics-table"}) {
    CAPTURE(id);
    CHECK(html.find(std::string("id=\"") + id + "\"") != std::string::npos);
  }
  CHECK(html.find("GPUs allocated and busy") != std::string::npos);
  CHECK(html.find("<title>busy</title>") != std::string::npos);
  CHECK(html.find("capacity 4 GPUs") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http") == std::string::npos);
  const std::string no_busy =
      report::runs_report("t", {{"run", sum, "time_s,gpu_alloc_milli,queue_length\n0,1,0\n"}}, {});
  CHECK(no_busy.find("<title>busy</title>") == std::string::npos);
  CHECK(no_busy.find("id=\"chart-frag\"") == std::string::npos);

  report::BarChart bars;
  bars.id = "b";
  bars.bars = {{"fgd", 95.2, 95.1, 95.3, "95.2 \u00b1 0.1"}, {"random", 86.3, std::nullopt, std::nullopt, "86.3"}};
  const std::string bsvg = report::render_bar_chart(bars);
  CHECK(bsvg.find("<title>fgd: 95.2 \u00b1 0.1</title>") != std::string::npos);
  CHECK(bsvg.find("<rect") != std::string::npos);
}
