// The research and CI workflow end to end through the `fleetsim` binary: compare, sweep
// (parallel, resumable, Slurm emit/task/collect without Slurm), check against baselines (one run
// and --suite, including the project's own scenarios), and the sweep progress bar.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli_test.hpp"

using json = nlohmann::json;

namespace {


const std::string kSrc = FLEETSIM_SOURCE_DIR;
const std::string kGolden = kSrc + "/tests/data/golden/small.json";




json read_json(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE_MESSAGE(in, p.string());
  return json::parse(in);
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

/// A sweep over the golden scenario: placement x seed, written to `dir`/s.sweep.json.
fs::path golden_sweep(const fs::path& dir, const std::string& seeds = "[1, 2, 3]", const std::string& extra = "") {
  const auto f = dir / "s.sweep.json";
  write(f, R"({"name": "demo", "scenario": ")" + kGolden +
               R"(", "grid": {"policy.placement": ["first-fit", "random"], "seed": )" + seeds + "}" + extra + "}");
  return f;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("compare: output folders and scenario files side by side, in four formats") {
  const auto a = temp_dir("cmp-a");
  REQUIRE(cli("run tests/data/golden/small.json -q -o " + a.string()).code == 0);
  const auto b = temp_dir("cmp-b");
  const std::string sets = " --set policy.queue=fifo-skip --set workload.horizon_s=55";
  REQUIRE(cli("run tests/data/golden/small.json -q" + sets + " -o " + b.string()).code == 0);
  const json sa = read_json(a / "summary.json"), sb = read_json(b / "summary.json");
  REQUIRE(sa["metrics"]["gpu_alloc_ratio"] != sb["metrics"]["gpu_alloc_ratio"]);

  // JSON: the folder is read, the scenario file is run (with --set) in a child process.
  auto r = cli("compare " + a.string() + " tests/data/golden/small.json" + sets + " --format json");
  REQUIRE(r.code == 0);
  const json j = json::parse(r.out);
  REQUIRE(j["runs"].size() == 2);
  CHECK(j["runs"][0]["label"] == "cmp-a");
  CHECK(j["runs"][1]["label"] == "golden-small");
  CHECK(j["runs"][1]["policy"]["queue"] == "fifo-skip");
  CHECK(j["runs"][0]["metrics"]["gpu_alloc_ratio"] == sa["metrics"]["gpu_alloc_ratio"]);
  CHECK(j["runs"][1]["metrics"]["gpu_alloc_ratio"] == sb["metrics"]["gpu_alloc_ratio"]);
  CHECK(j["runs"][1]["metrics"]["wait_s.p95"] == sb["metrics"]["wait_s"]["p95"]);
  CHECK(j["metrics"][0] == "gpu_alloc_ratio");

  // Text: one aligned table, metrics as rows.
  r = cli("compare " + a.string() + " " + b.string());
  REQUIRE(r.code == 0);
  CHECK(r.out.find("metric") == 0);
  CHECK(std::regex_search(r.out, std::regex("\nqueue +fifo +fifo-skip\n")));
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("\ngpu_alloc_ratio +([0-9.]+)% +([0-9.]+)%\n")));
  CHECK(std::stod(m[1]) == doctest::Approx(sa["metrics"]["gpu_alloc_ratio"].get<double>() * 100).epsilon(1e-4));
  CHECK(std::stod(m[2]) == doctest::Approx(sb["metrics"]["gpu_alloc_ratio"].get<double>() * 100).epsilon(1e-4));

  // Markdown: the best value per row is bold; CSV: one row per run, raw numbers.
  r = cli("compare " + a.string() + " " + b.string() + " --format md");
  REQUIRE(r.code == 0);
  CHECK(r.out.starts_with("| metric | cmp-a | cmp-b |\n|---|---:|---:|\n"));
  CHECK(r.out.find("**") != std::string::npos);
  r = cli("compare " + a.string() + " " + b.string() + " --format csv --metrics gpu_alloc_ratio,wait_s.*");
  REQUIRE(r.code == 0);
  CHECK(r.out.starts_with("label,source,scenario,mode,queue,placement,seed,gpu_alloc_ratio,wait_s.count,wait_s.mean,"));
  CHECK(count(r.out, "\n") == 3);
  CHECK(r.out.find("\ncmp-b," + b.string() + ",golden-small,replay,fifo-skip,first-fit,1,") != std::string::npos);

  // The HTML report has every run's charts.
  const auto html = temp_dir("cmp-report") / "cmp.html";
  r = cli("compare " + a.string() + " " + b.string() + " --report " + html.string());
  REQUIRE(r.code == 0);
  const std::string page = slurp(html);
  CHECK(page.find("id=\"chart-gpu-alloc\"") != std::string::npos);
  CHECK(count(page, "<title>cmp-b</title>") >= 3);  // one series per chart

  // Bad input: exit 2, one located message, nothing run.
  r = cli("compare " + a.string() + " tests/data/golden/small.json --set policy.placement=bestfit");
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("tests/data/golden/small.json: /policy/placement: unknown placement policy \"bestfit\"") !=
        std::string::npos);
  r = cli("compare " + a.string() + " " + temp_dir("empty").string());
  CHECK(r.code == 2);  // (it does not exist: read as a scenario file)
  const auto empty = temp_dir("empty2");
  fs::create_directories(empty);
  r = cli("compare " + a.string() + " " + empty.string());
  CHECK(r.code == 2);
  CHECK(r.err.find("empty2: not an output folder (no summary.json in it)") != std::string::npos);
  r = cli("compare " + a.string() + " --metrics wait_s.p59");
  CHECK(r.code == 2);
  CHECK(r.err ==
        "fleetsim: error: --metrics: no run has a numeric metric \"wait_s.p59\"; did you mean \"wait_s.p50\"?\n");
}

TEST_CASE("sweep: a grid as parallel runs, aggregated over seeds, resumable") {
  const auto dir = temp_dir("sweep");
  const auto out = dir / "out";
  const auto file = golden_sweep(dir);
  auto r = cli("sweep " + file.string() + " -o " + out.string() + " -j 2");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.find("sweep demo: 6 runs (2 x 3)") != std::string::npos);
  CHECK(r.out.find("6 to run, 0 already finished (skipped), 2 at a time") != std::string::npos);
  for (const char* f : {"plan.json", "results.csv", "results.json", "runs.csv", "report.html"}) {
    CAPTURE(f);
    CHECK(fs::file_size(out / f) > 100);
  }

  // Each run is exactly `fleetsim run` with the point's overrides.
  const auto one = dir / "one";
  REQUIRE(cli("run " + kGolden + " -q --set policy.placement=random --set seed=2 -o " + one.string()).code == 0);
  CHECK(read_json(out / "runs/placement=random/seed=2/summary.json")["metrics"] ==
        read_json(one / "summary.json")["metrics"]);

  // Aggregates recomputed here from the runs' summaries.
  const json res = read_json(out / "results.json");
  REQUIRE(res["groups"].size() == 2);
  for (const auto& g : res["groups"]) {
    const std::string placement = g["params"]["policy.placement"];
    CAPTURE(placement);
    CHECK(g["n"] == 3);
    for (const char* metric : {"gpu_alloc_ratio", "jct_s.mean"}) {
      CAPTURE(metric);
      std::vector<double> v;
      for (int seed : {1, 2, 3}) {
        const json s =
            read_json(out / ("runs/placement=" + placement + "/seed=" + std::to_string(seed)) / "summary.json");
        v.push_back(
            s["metrics"][json::json_pointer("/" + std::regex_replace(std::string(metric), std::regex("\\."), "/"))]);
      }
      const double mean = (v[0] + v[1] + v[2]) / 3;
      double ss = 0;
      for (double x : v) ss += (x - mean) * (x - mean);
      const double sd = std::sqrt(ss / 2), half = 4.302653 * sd / std::sqrt(3.0);
      const auto& a = g["metrics"][metric];
      CHECK(a["mean"].get<double>() == doctest::Approx(mean));
      CHECK(a["std"].get<double>() == doctest::Approx(sd));
      CHECK(a["ci95_high"].get<double>() == doctest::Approx(mean + half));
      CHECK(a["ci95_low"].get<double>() == doctest::Approx(mean - half));
    }
  }
  const std::string csv = slurp(out / "results.csv");
  CHECK(csv.starts_with("policy.placement,metric,n,mean,std,ci95_low,ci95_high,min,max\nfirst-fit,gpu_alloc_ratio,3,"));
  CHECK(count(slurp(out / "runs.csv"), "\n") == 7);
  CHECK(r.out.find("fill.gpu_alloc_pct") == std::string::npos);
  CHECK(r.out.find("gpu_alloc_ratio") != std::string::npos);

  // Resume: nothing reruns and the outputs stay as they were.
  const auto stamp = fs::last_write_time(out / "runs/placement=random/seed=2/summary.json");
  r = cli("sweep " + file.string() + " -o " + out.string());
  REQUIRE(r.code == 0);
  CHECK(r.out.find("0 to run, 6 already finished (skipped)") != std::string::npos);
  CHECK(fs::last_write_time(out / "runs/placement=random/seed=2/summary.json") == stamp);
  CHECK(read_json(out / "results.json") == res);

  // More seeds: only the new points run. A lost summary: that run only.
  golden_sweep(dir, "[1, 2, 3, 4]");
  r = cli("sweep " + file.string() + " -o " + out.string());
  CHECK(r.out.find("2 to run, 6 already finished") != std::string::npos);
  fs::remove(out / "runs/placement=first-fit/seed=3/summary.json");
  r = cli("sweep " + file.string() + " -o " + out.string());
  CHECK(r.out.find("1 to run, 7 already finished") != std::string::npos);
  // A change to the effective scenario (a fixed override) reruns everything; so does --force.
  golden_sweep(dir, "[1, 2, 3, 4]", R"(, "set": {"workload.horizon_s": 1000})");
  r = cli("sweep " + file.string() + " -o " + out.string() + " --dry-run");
  CHECK(r.code == 0);
  CHECK(r.out.find("8 to run, 0 finished") != std::string::npos);
  CHECK(r.out.find("runs/placement=random/seed=4") != std::string::npos);
  golden_sweep(dir, "[1, 2, 3, 4]");
  r = cli("sweep " + file.string() + " -o " + out.string() + " --force -j 1");
  CHECK(r.out.find("8 to run, 0 already finished") != std::string::npos);
  // -j 1 and -j 2 agree.
  const auto out2 = dir / "out2";
  REQUIRE(cli("sweep " + file.string() + " -o " + out2.string() + " -j 2").code == 0);
  CHECK(read_json(out / "results.json")["groups"] == read_json(out2 / "results.json")["groups"]);
}

TEST_CASE("sweep: bad sweep files are located errors, exit 2, nothing runs") {
  const auto dir = temp_dir("sweep-bad");
  const auto out = dir / "out";
  write(dir / "a.sweep.json", R"({"scenario": ")" + kGolden + R"(", "grid": {"policy.placment": ["first-fit"]}})");
  auto r = cli("sweep " + (dir / "a.sweep.json").string() + " -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err ==
        "fleetsim: error: " + (dir / "a.sweep.json").string() +
            ": /grid/policy.placment: unknown scenario path \"policy.placment\" (no key \"placment\" at /policy; "
            "did you mean \"placement\"?)\n");
  CHECK(r.out.empty());
  write(dir / "b.sweep.json", R"({"scenario": ")" + kGolden + R"(", "grid": {}})");
  r = cli("sweep " + (dir / "b.sweep.json").string() + " -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err == "fleetsim: error: " + (dir / "b.sweep.json").string() +
                     ": /grid: expected at least one path with a list of values, got {}\n");
  write(dir / "c.sweep.json",
        R"({"scenario": ")" + kGolden + R"(", "grid": {"seed": [1, 2], "policy.queue": ["fifo", "lifo"]}})");
  r = cli("sweep " + (dir / "c.sweep.json").string() + " -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("fleetsim: error: " + (dir / "c.sweep.json").string() + ": /grid/policy.queue/1: " + kGolden +
                          ": /policy/queue: unknown queue policy \"lifo\""));
  write(dir / "d.sweep.json", R"({"scenario": ")" + kGolden + R"(", "grid": {"seed": [1, 2],})");
  r = cli("sweep " + (dir / "d.sweep.json").string());
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("fleetsim: error: " + (dir / "d.sweep.json").string() + ":1:"));  // line:column
  CHECK(r.err.find(": malformed JSON: ") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK(cli("sweep").code == 2);
  CHECK(cli("sweep no/such.sweep.json").err == "fleetsim: error: no/such.sweep.json: cannot open file\n");
  r = cli("sweep --collect " + dir.string());
  CHECK(r.code == 2);
  CHECK(r.err.find(dir.string() + ": not a sweep folder (no plan.json") != std::string::npos);
}

TEST_CASE("sweep: a run that fails stops the sweep and shows its log") {
  const auto dir = temp_dir("sweep-fail");
  // The scenario validates (traces are read by the run), but row 3 of the trace is bad.
  write(dir / "t.csv",
        "id,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli\na,0,10,1000,1024,1,1000\n"
        "b,1,10,1000,1024,x,1000\n");
  write(dir / "s.json", R"({"name":"t","cluster":{"nodes":[{"name":"n","count":1,"cpu_milli":8000,"memory_mib":8192,)"
                        R"("gpus":1,"gpu_model":"A"}]},"workload":{"trace":"t.csv"}})");
  write(dir / "f.sweep.json", R"({"scenario": "s.json", "grid": {"seed": [1, 2, 3, 4]}})");
  const auto r = cli("sweep " + (dir / "f.sweep.json").string() + " -o " + (dir / "out").string() + " -j 1");
  CHECK(r.code == 2);
  CHECK(r.err.find("run 0 (seed=1) failed (exit 2); " + (dir / "out/runs/seed=1/run.log").string() + " ends with:\n" +
                   "fleetsim: error: " + (dir / "t.csv").string() + ":3: column num_gpu") != std::string::npos);
  CHECK(r.err.find("(3 not started)") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out/results.json"));
}

TEST_CASE("sweep: --emit slurm writes a job array, whose tasks and --collect reproduce the local sweep") {
  const auto dir = temp_dir("emit");
  const auto file = golden_sweep(dir);
  const auto local = dir / "local", remote = dir / "remote";
  REQUIRE(cli("sweep " + file.string() + " -o " + local.string()).code == 0);

  auto r = cli("sweep " + file.string() + " -o " + remote.string() + " --emit slurm --sbatch=--time=5");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::string script = slurp(remote / "sweep.sbatch");
  CHECK(script.starts_with("#!/bin/bash\n"));
  CHECK(script.find("#SBATCH --array=0-5\n") != std::string::npos);
  CHECK(script.find("#SBATCH --time=5\n") != std::string::npos);
  CHECK(script.find("#SBATCH --output=" + remote.string() + "/slurm/%A_%a.out\n") != std::string::npos);
  CHECK(script.find("' sweep --task \"$SLURM_ARRAY_TASK_ID\" --dir '" + remote.string() + "' --quiet\n") !=
        std::string::npos);
  CHECK((fs::status(remote / "sweep.sbatch").permissions() & fs::perms::owner_exec) != fs::perms::none);
  CHECK(fs::is_directory(remote / "slurm"));
  CHECK_FALSE(fs::exists(remote / "runs"));

  // What each array task runs; then the same aggregates as the local sweep.
  for (int i = 0; i < 6; ++i) {
    if (i == 4) continue;
    REQUIRE(cli("sweep --task " + std::to_string(i) + " --dir " + remote.string()).code == 0);
  }
  r = cli("sweep --collect " + remote.string());
  CHECK(r.code == 2);
  CHECK(r.err.find("1 of 6 runs are missing or unfinished (--partial aggregates the finished ones):\n  "
                   "runs/placement=random/seed=2") != std::string::npos);
  CHECK(cli("sweep --collect " + remote.string() + " --partial").code == 0);
  r = cli("sweep " + file.string() + " -o " + remote.string() + " --emit slurm");
  CHECK(r.out.find("a job array of 1 tasks (5 runs already finished)") != std::string::npos);
  CHECK(slurp(remote / "sweep.sbatch").find("#SBATCH --array=4\n") != std::string::npos);
  REQUIRE(cli("sweep --task 4 --dir " + remote.string()).code == 0);
  r = cli("sweep --task 4 --dir " + remote.string());  // a resubmitted task does nothing
  CHECK(r.out.find("already finished") != std::string::npos);
  r = cli("sweep --collect " + remote.string());
  REQUIRE(r.code == 0);
  CHECK(read_json(remote / "results.json") == read_json(local / "results.json"));
  CHECK(slurp(remote / "results.csv") == slurp(local / "results.csv"));

  r = cli("sweep --task 6 --dir " + remote.string());
  CHECK(r.code == 2);
  CHECK(r.err.find("--task 6: expected 0 to 5") != std::string::npos);
}

TEST_CASE("check: a run against its baseline: pass, regression (exit 1, a diff), missing metric (exit 2), update") {
  const auto dir = temp_dir("check");
  const auto out = dir / "out", base = dir / "base.json";
  REQUIRE(cli("run tests/data/golden/small.json -q -o " + out.string()).code == 0);
  const json summary = read_json(out / "summary.json");

  auto r = cli("check " + out.string() + " --baseline " + base.string());
  CHECK(r.code == 2);
  CHECK(r.err.find(base.string() + ": cannot open file; create it with: fleetsim check " + out.string() +
                   " --baseline " + base.string() + " --update-baseline") != std::string::npos);
  r = cli("check " + out.string() + " --baseline " + base.string() + " --update-baseline");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("created " + base.string()) != std::string::npos);
  json b = read_json(base);
  CHECK(b["metrics"]["gpu_alloc_ratio"]["value"] == summary["metrics"]["gpu_alloc_ratio"]);
  CHECK(b["metrics"]["gpu_alloc_ratio"]["direction"] == "higher-is-better");
  CHECK(b["metrics"]["wait_s.p95"]["value"] == summary["metrics"]["wait_s"]["p95"]);
  CHECK(b["metrics"]["wait_s.p95"]["direction"] == "lower-is-better");

  r = cli("check " + out.string() + " --baseline " + base.string());
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("check " + out.string() + " against " + base.string() + ": ok ("));

  // Worse than the baseline beyond the tolerance: exit 1 and the diff says which, by how much.
  b["metrics"]["gpu_alloc_ratio"]["value"] = summary["metrics"]["gpu_alloc_ratio"].get<double>() + 0.02;
  b["metrics"]["wait_s.mean"]["value"] = summary["metrics"]["wait_s"]["mean"].get<double>() - 5;
  write(base, b.dump(2));
  r = cli("check " + out.string() + " --baseline " + base.string());
  CHECK(r.code == 1);
  CHECK(r.out.find(": FAILED (") != std::string::npos);
  CHECK(r.out.find("2 regressed") != std::string::npos);
  CHECK(std::regex_search(
      r.out,
      std::regex("\n  gpu_alloc_ratio +[0-9.]+% +[0-9.]+% +-2.00% \\([-0-9.]+%\\) +\u00b10.50% +higher +REGRESSED\n")));
  CHECK(std::regex_search(r.out, std::regex("\n  wait_s.mean .* lower +REGRESSED\n")));
  // Better beyond the tolerance: passes, and says so.
  b["metrics"]["gpu_alloc_ratio"]["value"] = summary["metrics"]["gpu_alloc_ratio"].get<double>() - 0.02;
  b["metrics"]["wait_s.mean"]["value"] = summary["metrics"]["wait_s"]["mean"];
  b["metrics"]["gpu_alloc_ratio"]["tolerance"] = {{"rel", 0.01}};
  write(base, b.dump(2));
  r = cli("check tests/data/golden/small.json --baseline " + base.string());  // a scenario file is run
  CHECK(r.code == 0);
  CHECK(r.out.find(" improved") != std::string::npos);
  CHECK(r.out.find("--update-baseline") != std::string::npos);
  // --update-baseline keeps directions and tolerances, takes the values.
  r = cli("check " + out.string() + " --baseline " + base.string() + " --update-baseline");
  CHECK(r.code == 0);
  CHECK(r.out.find("updated " + base.string() + " from " + out.string() + " (1 of ") != std::string::npos);
  b = read_json(base);
  CHECK(b["metrics"]["gpu_alloc_ratio"]["value"] == summary["metrics"]["gpu_alloc_ratio"]);
  CHECK(b["metrics"]["gpu_alloc_ratio"]["tolerance"] == json{{"rel", 0.01}});

  // A baseline metric the output lacks: located error, exit 2.
  b["metrics"]["gpu_busy_ration"] = {{"value", 1}, {"direction", "higher-is-better"}};
  write(base, b.dump(2));
  r = cli("check " + out.string() + " --baseline " + base.string());
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("fleetsim: error: " + base.string() + ": /metrics/gpu_busy_ration: metric not in " +
                          (out / "summary.json").string()));
  b["metrics"].erase("gpu_busy_ration");
  b["metrics"]["wait_s.p95"]["direction"] = "down";
  write(base, b.dump(2));
  r = cli("check " + out.string() + " --baseline " + base.string());
  CHECK(r.code == 2);
  CHECK(r.err.find(base.string() + ": /metrics/wait_s.p95/direction: expected one of ") != std::string::npos);
  CHECK(cli("check " + out.string()).code == 2);
}

TEST_CASE("check --suite: every scenario of a folder against its baseline, slow ones skipped") {
  const auto dir = temp_dir("suite");
  std::string golden = slurp(kGolden);
  write(dir / "a.json", golden);
  write(dir / "sub/b.json",
        std::regex_replace(golden, std::regex("\"seed\": 1,"), "\"seed\": 2, \"tags\": [\"slow\"],"));
  write(dir / "grid.sweep.json", "{}");  // not a scenario
  auto r = cli("check --suite " + dir.string());
  CHECK(r.code == 2);
  CHECK(r.err.find((dir / "baselines/a.json").string() + ": cannot open file (no baseline for ") != std::string::npos);
  r = cli("check --suite " + dir.string() + " --update-baseline");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(fs::exists(dir / "baselines/a.json"));
  CHECK_FALSE(fs::exists(dir / "baselines/sub/b.json"));
  r = cli("check --suite " + dir.string());
  CHECK(r.code == 0);
  CHECK(r.out.find(": 1 scenarios (1 tagged slow, skipped)\n") != std::string::npos);
  CHECK(r.out.find("\n  ok       a.json  (") != std::string::npos);
  CHECK(r.out.find("\n  skipped  sub/b.json  (tagged slow; --slow runs it)") != std::string::npos);
  r = cli("check --suite " + dir.string() + " --slow");
  CHECK(r.code == 2);
  CHECK(r.err.find("sub/b.json: cannot open file") != std::string::npos);
  json b = read_json(dir / "baselines/a.json");
  b["metrics"]["jobs.completed"]["value"] = b["metrics"]["jobs.completed"]["value"].get<double>() + 1;
  write(dir / "baselines/a.json", b.dump(2));
  r = cli("check --suite " + dir.string());
  CHECK(r.code == 1);
  CHECK(r.out.find("\n  FAILED   a.json  (") != std::string::npos);
  CHECK(r.out.find("REGRESSED") != std::string::npos);
  CHECK(r.out.find("1 of 1 scenarios regressed") != std::string::npos);
}

TEST_CASE("CI: every scenario in scenarios/ not tagged slow matches its committed baseline") {
  std::size_t expected = 0;
  for (const auto& e : fs::recursive_directory_iterator(kSrc + "/scenarios")) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || !name.ends_with(".json") || name.ends_with(".schema.json") ||
        name.ends_with(".sweep.json") || e.path().string().find("/scenarios/baselines/") != std::string::npos)
      continue;
    const json s = read_json(e.path());
    bool slow = false;
    for (const auto& t : s.value("tags", json::array())) slow = slow || t == "slow";
    expected += !slow;
  }
  REQUIRE(expected >= 3);
  const auto r = cli("check --suite scenarios");
  INFO(r.out, r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find(": " + std::to_string(expected) + " scenarios") != std::string::npos);
  CHECK(count(r.out, "\n  ok       ") == expected);
}

TEST_CASE("progress: a sweep on a terminal shows runs done, rate and ETA, silent otherwise or with --quiet") {
  const auto dir = temp_dir("progress");
  write(dir / "p.sweep.json", R"({"scenario": ")" + kSrc + R"(/scenarios/alibaba-v2023/fill-fgd.json",
                                  "set": {"workload.fill.ratio": 6}, "grid": {"seed": {"from": 1, "to": 10}}})");
  const std::string sweep = "'" + std::string(FLEETSIM_CLI) + "' sweep " + (dir / "p.sweep.json").string() +
                            " -j 1 --force -o " + (dir / "out").string();
  // util-linux `script` gives the command a terminal; the bar is drawn on it.
  auto tty = [&](const std::string& args) {
    const std::string cmd =
        "script -qefc \"" + sweep + args + " 2>&1 >/dev/null\" /dev/null > " + (dir / "tty").string();
    const int status = std::system(cmd.c_str());
    CHECK(WIFEXITED(status));
    return slurp(dir / "tty");
  };
  const std::string shown = tty("");
  CHECK(std::regex_search(shown, std::regex("\\[#*\\.*\\] +[0-9.]+%  [0-9]+/10 runs  [0-9.]+/s  ETA [0-9]+s")));
  CHECK(tty(" --quiet").find("ETA") == std::string::npos);
  const auto r = cli("sweep " + (dir / "p.sweep.json").string() + " -j 1 --force -o " + (dir / "out").string());
  CHECK(r.code == 0);
  CHECK(r.err.empty());
}
