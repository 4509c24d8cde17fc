// fleetsim plan end to end: the 64-CPU-per-GPU stage needs 256 GPUs on static 8-GPU/64-CPU
// servers and 32 composable; located validation errors (exit 2, nothing written); cost metrics
// in summary.json against hand-computed energy.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

fs::path work_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("fleetsim-plan-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// Runs the CLI from the source folder; returns the exit code, stderr in `err`.
int cli(const std::string& args, std::string& err, const fs::path& dir) {
  const std::string cmd = std::string("cd '") + FLEETSIM_SOURCE_DIR + "' && '" + FLEETSIM_CLI + "' " + args +
                          " >'" + (dir / "out.txt").string() + "' 2>'" + (dir / "err.txt").string() + "'";
  const int status = std::system(cmd.c_str());
  std::ifstream in(dir / "err.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  err = ss.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

} // namespace

TEST_CASE("plan: the 64-CPU-per-GPU stage needs 256 static GPUs and 32 composable ones") {
  const auto dir = work_dir("cpu-heavy");
  std::string err;
  REQUIRE(cli("plan scenarios/plan/cpu-heavy.json -q -j 2 -o '" + dir.string() + "'", err, dir) == 0);
  const auto plan = read_json(dir / "plan.json");
  const auto& tops = plan["topologies"];
  REQUIRE(tops.size() == 2);
  CHECK(tops[0]["name"] == "static");
  CHECK(tops[0]["servers"] == 32);
  CHECK(tops[0]["gpus"] == 256);
  CHECK(tops[0]["converged"] == true);
  CHECK(tops[1]["name"] == "composable");
  CHECK(tops[1]["servers"] == 32);
  CHECK(tops[1]["gpus"] == 32);
  CHECK(tops[1]["values"]["cluster.pools.0.gpus"] == 32);
  CHECK(tops[1]["converged"] == true);
  CHECK(plan["cheapest"] == "composable");
  CHECK(tops[1]["usd_per_month"].get<double>() < tops[0]["usd_per_month"].get<double>());
  for (const auto& t : tops) CHECK(t["probes"].get<int>() <= 16);
}

TEST_CASE("plan: located validation errors, exit 2") {
  const auto dir = work_dir("errors");
  std::string err;
  const std::string base = "plan scenarios/plan/cpu-heavy.json -q -o '" + dir.string() + "/o' ";
  CHECK(cli(base + "--set 'plan.targets=[\"wait.p95 <= 600\"]'", err, dir) == 2);
  CHECK(err == "fleetsim: error: scenarios/plan/cpu-heavy.json: /plan/targets/0: unknown metric \"wait.p95\" in "
               "target \"wait.p95 <= 600\"\n");
  CHECK(cli(base + "--set 'plan.topologies.0.vary=[]'", err, dir) == 2);
  CHECK(err == "fleetsim: error: scenarios/plan/cpu-heavy.json: /plan/topologies/0/vary: expected a non-empty "
               "array, got []\n");
  CHECK(cli(base + "--set cluster.nodes.0.price_usd=-5", err, dir) == 2);
  CHECK(err == "fleetsim: error: scenarios/plan/cpu-heavy.json: /cluster/nodes/0/price_usd: expected a "
               "non-negative number, got -5\n");
  CHECK(cli(base + "--set cost.electricity_usd_per_kwh=-0.1", err, dir) == 2);
  CHECK(err == "fleetsim: error: scenarios/plan/cpu-heavy.json: /cost/electricity_usd_per_kwh: expected a "
               "non-negative number, got -0.1\n");
  CHECK(cli("plan scenarios/composable/cpu-heavy-static.json -q -o '" + dir.string() + "/o'", err, dir) == 2);
  CHECK(err == "fleetsim: error: scenarios/composable/cpu-heavy-static.json: /plan: required key is missing "
               "(fleetsim plan needs targets and topologies)\n");
  CHECK(cli("run scenarios/composable/cpu-heavy-static.json -q -o '" + dir.string() + "/r' --set cost.pricing=cloud",
            err, dir) == 2);
  CHECK(err == "fleetsim: error: scenarios/composable/cpu-heavy-static.json: /cluster/nodes/0/usd_per_hour: required "
               "key is missing when cost.pricing is \"cloud\"\n");
  CHECK_FALSE(fs::exists(dir / "o" / "plan.json"));
  CHECK_FALSE(fs::exists(dir / "r"));
}

TEST_CASE("run: energy and cost metrics of the CPU-heavy static case, by hand") {
  const auto dir = work_dir("cost");
  std::string err;
  REQUIRE(cli("run scenarios/composable/cpu-heavy-static.json -q -o '" + dir.string() + "'", err, dir) == 0);
  const auto m = read_json(dir / "summary.json")["metrics"];
  // One hour; 32 GPUs busy at 400 W, 224 idle at 50 W; 32 servers (64 cores) fully allocated at
  // 100 + 6·64 = 484 W: 12,800 + 11,200 + 15,488 = 39,488 W.
  CHECK(m["mean_power_w"].get<double>() == doctest::Approx(39488));
  CHECK(m["energy_kwh"].get<double>() == doctest::Approx(39.488));
  CHECK(m["usd_energy"].get<double>() == doctest::Approx(39.488 * 1.58 * 0.08));
  // Capex: 256 A100 at 15,000 USD + 32 servers at 3,000 + 150·64 + 5·512 = 15,160 USD, over 4 years.
  const double capex = (256 * 15000.0 + 32 * 15160.0) * 3600 / (4 * 365.25 * 86400);
  CHECK(m["usd_capex"].get<double>() == doctest::Approx(capex));
  CHECK(m["usd_total"].get<double>() == doctest::Approx(capex + 39.488 * 1.58 * 0.08));
  CHECK(m["usd_per_busy_gpu_hour"].get<double>() == doctest::Approx(m["usd_total"].get<double>() / 32));
  CHECK(m["usd_per_completed_job"].get<double>() == doctest::Approx(m["usd_total"].get<double>() / 32));
  // Idle: 224 GPU-hours at 15,000/(4 years) per GPU-second + 50 W.
  const double idle = 224 * 3600 * (15000 / (4 * 365.25 * 86400) + 50 * 1.58 * 0.08 / 3.6e6);
  CHECK(m["usd_idle"].get<double>() == doctest::Approx(idle));
}
