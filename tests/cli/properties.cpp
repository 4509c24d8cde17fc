// Property tests on valid inputs (issue 17): random small valid scenarios (static and
// composable clusters, MIG nodes, fractional GPUs, pipelines in both modes, every queue and
// placement policy, with and without a horizon), each run through `fleetsim run`, seeded so a
// failure names the seed that reproduces it. For every run:
// - exit code 0 (never 3, and never 2: the generator makes valid scenarios only);
// - conservation: completed + unplaceable + pending + running + not arrived = submitted;
// - without a horizon every placeable job completes (nothing pending or running at the end);
// - nothing allocated at the end when nothing runs at the end (timeseries' last row);
// - busy <= allocated, in summary.json and on every timeseries row.
// FLEETSIM_PROPERTY_RUNS overrides the number of scenarios per test case (default 100).
#include <doctest/doctest.h>

#include <cstdlib>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli_test.hpp"

namespace {

using json = nlohmann::json;

struct Policies {
  std::vector<std::string> queues, placements;
};

/// The registry's names, from `fleetsim policies`.
const Policies& policies() {
  static const Policies p = [] {
    Policies out;
    const Result r = cli("policies");
    REQUIRE(r.code == 0);
    std::istringstream in(r.out);
    std::vector<std::string>* into = nullptr;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("queue")) into = &out.queues;
      else if (line.starts_with("placement")) into = &out.placements;
      else if (into && line.starts_with("  ")) {
        std::istringstream w(line);
        std::string name;
        w >> name;
        into->push_back(name);
      }
    }
    REQUIRE(!out.queues.empty());
    REQUIRE(!out.placements.empty());
    return out;
  }();
  return p;
}

class Gen {
public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  int i(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool p(double prob) { return std::uniform_real_distribution<double>(0, 1)(rng_) < prob; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(i(0, static_cast<int>(v.size()) - 1))]; }

private:
  std::mt19937_64 rng_;
};

/// A random small valid scenario; `what` receives a short description for failure messages.
json make_scenario(std::uint64_t seed, std::string& what) {
  Gen g(seed * 7919 + 17);
  json sc;
  sc["name"] = "prop-" + std::to_string(seed);
  sc["seed"] = g.i(0, 1000);
  const bool composable = g.p(0.25);
  const bool mig = !composable && g.p(0.25);
  const bool pipelines = g.p(0.3);
  json nodes = json::array();
  const int types = g.i(1, 3);
  for (int t = 0; t < types; ++t) {
    json n;
    n["name"] = "t" + std::to_string(t);
    n["count"] = g.i(1, 4);
    n["cpu_milli"] = g.pick(std::vector<int>{8000, 16000, 32000, 64000});
    n["memory_mib"] = g.pick(std::vector<int>{32768, 65536, 262144});
    // A pipeline's GPU stage needs a plain GPU node: the first type has GPUs then.
    const int gpus = pipelines && t == 0 ? g.pick(std::vector<int>{2, 4, 8}) : g.pick(std::vector<int>{0, 1, 2, 4, 8});
    n["gpus"] = gpus;
    if (gpus > 0) n["gpu_model"] = g.p(0.5) ? "A100" : "T4";
    if (composable && (t == 0 || g.p(0.5))) {
      n["fabric_ports"] = g.i(1, 8);
      n["switch"] = "sw";
    }
    nodes.push_back(n);
  }
  if (mig) {
    nodes.push_back({{"name", "mig"}, {"count", g.i(1, 2)}, {"cpu_milli", 32000}, {"memory_mib", 131072},
                     {"gpus", g.i(1, 4)}, {"gpu_model", "A100-40GB"}, {"mig", true}});
  }
  sc["cluster"]["nodes"] = nodes;
  if (composable) {
    sc["cluster"]["topology"] = "composable";
    sc["cluster"]["pools"] = json::array({{{"name", "p"}, {"count", g.i(1, 2)}, {"gpus", g.pick(std::vector<int>{4, 8, 16})},
                                           {"gpu_model", "A100"}}});
    sc["cluster"]["switches"] = json::array({{{"name", "sw"}, {"pools", json::array({"p"})}}});
  }

  json jobs = json::array();
  const int n_jobs = g.i(5, 40);
  for (int k = 0; k < n_jobs; ++k) {
    json j;
    j["id"] = "j" + std::to_string(k);
    j["submit_s"] = g.i(0, 100);
    const int kind = g.i(0, 9);
    if (pipelines && kind < 2) {
      j["pipeline"] = "pp";
      if (g.p(0.5)) j["mode"] = g.p(0.5) ? "monolithic" : "disaggregated";
      jobs.push_back(j);
      continue;
    }
    if (mig && kind < 4) {
      j["duration_s"] = g.i(1, 200);
      j["cpu_milli"] = g.i(0, 4000);
      j["memory_mib"] = g.i(0, 8192);
      j["num_gpu"] = 1;
      j["mig"] = g.pick(std::vector<std::string>{"1g.5gb", "2g.10gb", "3g.20gb", "7g.40gb"});
      jobs.push_back(j);
      continue;
    }
    j["duration_s"] = g.i(1, 200);
    j["cpu_milli"] = g.i(0, 16000);
    j["memory_mib"] = g.i(0, 65536);
    const int gpus = g.pick(std::vector<int>{0, 0, 1, 1, 1, 2, 4, 8});
    j["num_gpu"] = gpus;
    j["gpu_milli"] = gpus == 0 ? 0 : (gpus == 1 && g.p(0.4)) ? g.i(100, 900) : 1000;
    j["kind"] = g.pick(std::vector<std::string>{"training", "inference", "preprocessing"});
    jobs.push_back(j);
  }
  sc["workload"]["jobs"] = jobs;
  sc["workload"]["unplaceable"] = "count";
  if (pipelines) {
    json gpu_stage = {{"name", "gpu"}, {"cpu_milli", 1000}, {"num_gpu", 1}, {"batch_s", g.i(1, 5)}, {"workers", g.i(1, 2)}};
    if (g.p(0.3)) gpu_stage["gpu_milli"] = 500;
    sc["workload"]["pipelines"] = json::array(
        {{{"name", "pp"}, {"batches", g.i(1, 6)}, {"buffer", g.i(1, 3)},
          {"stages", json::array({{{"name", "pre"}, {"cpu_milli", 2000}, {"batch_s", g.i(1, 3)}}, gpu_stage})}}});
  }
  const bool horizon = g.p(0.3);
  if (horizon) sc["workload"]["horizon_s"] = g.i(20, 300);
  sc["policy"]["queue"] = g.pick(policies().queues);
  sc["policy"]["placement"] = g.pick(policies().placements);
  what = std::string(composable ? "composable" : "static") + (mig ? "+mig" : "") + (pipelines ? "+pipelines" : "") +
         (horizon ? "+horizon" : "") + " " + sc["policy"]["queue"].get<std::string>() + "/" +
         sc["policy"]["placement"].get<std::string>() + ", " + std::to_string(n_jobs) + " jobs";
  return sc;
}

std::vector<std::vector<double>> read_timeseries(const fs::path& file, std::vector<std::string>& header) {
  std::istringstream in(slurp(file));
  std::vector<std::vector<double>> rows;
  std::string line;
  std::getline(in, line);
  std::istringstream h(line);
  for (std::string c; std::getline(h, c, ',');) header.push_back(c);
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream r(line);
    for (std::string c; std::getline(r, c, ',');) row.push_back(std::strtod(c.c_str(), nullptr));
    rows.push_back(row);
  }
  return rows;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t k = 0; k < header.size(); ++k)
    if (header[k] == name) return k;
  FAIL("timeseries.csv has no column " << name);
  return 0;
}

void check_runs(std::uint64_t first, std::uint64_t count) {
  if (const char* n = std::getenv("FLEETSIM_PROPERTY_RUNS")) count = std::strtoull(n, nullptr, 10);
  const fs::path dir = temp_dir("properties-" + std::to_string(first));
  fs::create_directories(dir);
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    std::string what;
    const json sc = make_scenario(seed, what);
    CAPTURE(seed);
    CAPTURE(what);
    const fs::path file = dir / "scenario.json", out = dir / "out";
    fs::remove_all(out);
    std::ofstream(file) << sc.dump(1);
    const Result r = cli("run '" + file.string() + "' -o '" + out.string() + "' --quiet --no-report");
    CAPTURE(r.err);
    CHECK(r.code == 0);
    if (r.code != 0) {
      MESSAGE("scenario of seed " << seed << ":\n" << sc.dump());
      continue;
    }
    const json s = json::parse(slurp(out / "summary.json"));
    const json& m = s["metrics"];
    const json& jobs = m["jobs"];
    const auto total = jobs["total"].get<std::int64_t>();
    CHECK(total == static_cast<std::int64_t>(sc["workload"]["jobs"].size()));
    const auto completed = jobs["completed"].get<std::int64_t>(), unplaceable = jobs["unplaceable"].get<std::int64_t>(),
               pending = jobs["pending_at_horizon"].get<std::int64_t>(),
               running = jobs["running_at_horizon"].get<std::int64_t>(),
               not_arrived = jobs["not_arrived_at_horizon"].get<std::int64_t>();
    CHECK(completed + unplaceable + pending + running + not_arrived == total);
    if (!sc["workload"].contains("horizon_s")) {
      CHECK(pending == 0);
      CHECK(running == 0);
      CHECK(not_arrived == 0);
      CHECK(completed + unplaceable == total);
    }
    CHECK(m["gpu_busy_ratio"].get<double>() <= m["gpu_alloc_ratio"].get<double>() + 1e-12);
    std::vector<std::string> header;
    const auto rows = read_timeseries(out / "timeseries.csv", header);
    REQUIRE(!rows.empty());
    const auto alloc = column(header, "gpu_alloc_milli"), busy = column(header, "gpu_busy_milli"),
               cpu = column(header, "cpu_alloc_milli"), mem = column(header, "mem_alloc_mib"),
               run = column(header, "running_jobs");
    for (const auto& row : rows) CHECK(row[busy] <= row[alloc]);
    if (running == 0) {
      CHECK(rows.back()[run] == 0);
      CHECK(rows.back()[alloc] == 0);
      CHECK(rows.back()[busy] == 0);
      CHECK(rows.back()[cpu] == 0);
      CHECK(rows.back()[mem] == 0);
    }
  }
  fs::remove_all(dir);
}

} // namespace

TEST_CASE("properties: 100 random valid scenarios (seeds 1-100)") { check_runs(1, 100); }
TEST_CASE("properties: 100 random valid scenarios (seeds 101-200)") { check_runs(101, 100); }
TEST_CASE("properties: 100 random valid scenarios (seeds 201-300)") { check_runs(201, 100); }
