// Composable topologies end to end through the CLI: the CPU-heavy stage case (static strands
// 7/8 of its GPUs, composable allocates all), attach time, and transfers over the fabric.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/cli_test.hpp"


namespace {


/// Runs `fleetsim run SCENARIO -o DIR ARGS` from the source folder; returns summary.json.
nlohmann::json run(const std::string& scenario, const std::string& name, const std::string& args = "") {
  const auto dir = fs::temp_directory_path() / ("fleetsim-composable-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  const std::string cmd = std::string("cd '") + FLEETSIM_SOURCE_DIR + "' && '" + FLEETSIM_CLI + "' run " + scenario +
                          " -q -o '" + dir.string() + "' " + args + " >/dev/null";
  const int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return nlohmann::json::parse(slurp(dir / "summary.json"));
}

} // namespace

TEST_CASE("CPU-heavy stage, static: 32 servers of 8 GPUs, 12.5% of the 256 GPUs allocated") {
  const auto s = run("scenarios/composable/cpu-heavy-static.json", "static");
  const auto& m = s["metrics"];
  CHECK(s["cluster"]["gpus"] == 256);
  CHECK(m["jobs"]["completed"] == 32);
  CHECK(m["gpu_alloc_ratio"].get<double>() == 0.125);
  CHECK(m["cpu_alloc_ratio"].get<double>() == 1.0);
  CHECK(m["stranded_gpus"].get<double>() == 224.0);  // 7 per server, the whole run
  CHECK(m["wait_s"]["max"].get<double>() == 0.0);
}

TEST_CASE("CPU-heavy stage, composable: 32 CPU servers and a 32-GPU pool, every GPU allocated") {
  const auto s = run("scenarios/composable/cpu-heavy-composable.json", "composable");
  const auto& m = s["metrics"];
  CHECK(s["cluster"]["gpus"] == 32);
  CHECK(m["jobs"]["completed"] == 32);
  CHECK(m["gpu_alloc_ratio"].get<double>() == 1.0);  // attach time counts as allocated
  CHECK(m["stranded_gpus"].get<double>() == 0.0);
  CHECK(m["jct_s"]["max"].get<double>() == 3605.0);  // 5 s attach + 3600 s of work
  CHECK(m["makespan_s"].get<double>() == 3605.0);
}

TEST_CASE("communication: an all-reduce is slower over the fabric than on NVLink, exactly as the links say") {
  // 8 GPUs, 100 steps of 0.1 s compute + a 1 GB ring all-reduce: each GPU sends
  // 100 x 2 x 7/8 x 1 GB = 175 GB to its neighbour.
  const auto st = run("tests/data/composable/comm-static.json", "comm-static");
  CHECK(st["metrics"]["jct_s"]["max"].get<double>() == doctest::Approx(10.0 + 175e9 / 300e9 + 2e-6).epsilon(1e-12));
  const auto co = run("tests/data/composable/comm-composable.json", "comm-composable");
  // Job a: 8 GPUs in one chassis (PCIe slots, 31.5 GB/s) after a 5 s attach.
  CHECK(co["metrics"]["jct_s"]["max"].get<double>() == doctest::Approx(5.0 + 10.0 + 175e9 / 31.5e9 + 2e-7).epsilon(1e-12));
  CHECK(co["run"]["transfers"] == 12);
  // Chassis of 3 GPUs with 10 GB/s uplinks; two 4-GPU jobs: a = 3 GPUs of chassis 0 + 1 of
  // chassis 1, b = 2 of chassis 1 + 2 of chassis 2. Each GPU sends 100 x 2 x 3/4 x 1 GB = 150 GB;
  // the flows that leave a chassis cross its uplink, and chassis 1's uplink carries one flow of
  // each job in each direction.
  const std::string split = "--set cluster.pools.0.gpus=3 --set cluster.pools.0.count=4 "
                            "--set cluster.pools.0.uplink_bandwidth_Bps=10e9 --set workload.jobs.0.num_gpu=4 ";
  const auto alone = run("tests/data/composable/comm-composable.json", "comm-alone",
                         split + "--set workload.jobs.1.submit_s=1000");
  CHECK(alone["metrics"]["jct_s"]["max"].get<double>() == doctest::Approx(5.0 + 150e9 / 10e9 + 10.0).epsilon(1e-7));
  const auto shared = run("tests/data/composable/comm-composable.json", "comm-shared", split);
  CHECK(shared["metrics"]["jct_s"]["max"].get<double>() == doctest::Approx(5.0 + 150e9 / 5e9 + 10.0).epsilon(1e-7));
}
