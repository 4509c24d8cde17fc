// End to end through the `fleetsim` binary: golden outputs (checked by hand once, then
// frozen), determinism, horizons, and bad input (exit 2, a located message, no files).
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/cli_test.hpp"


namespace {





const std::string kSrc = FLEETSIM_SOURCE_DIR;

} // namespace

TEST_CASE("golden: the hand-checked small scenario reproduces its frozen outputs") {
  const auto out = temp_dir("golden");
  const auto r = cli("run tests/data/golden/small.json -o " + out.string());
  REQUIRE(r.code == 0);
  auto got = nlohmann::json::parse(slurp(out / "summary.json"));
  auto want = nlohmann::json::parse(slurp(kSrc + "/tests/data/golden/small.summary.json"));
  got["run"].erase("fleetsim_version");
  want["run"].erase("fleetsim_version");
  CHECK(got == want);
  CHECK(slurp(out / "jobs.csv") == slurp(kSrc + "/tests/data/golden/small.jobs.csv"));
  CHECK(slurp(out / "timeseries.csv") == slurp(kSrc + "/tests/data/golden/small.timeseries.csv"));
  CHECK(r.out.find("GPU allocated         83.12%") != std::string::npos);
}

TEST_CASE("determinism: two runs of a scenario give byte-identical files") {
  for (const std::string extra : {"", " --set policy.placement=random --set seed=9"}) {
    CAPTURE(extra);
    const auto a = temp_dir("det-a"), b = temp_dir("det-b");
    REQUIRE(cli("run scenarios/quickstart.json -q -o " + a.string() + extra).code == 0);
    REQUIRE(cli("run scenarios/quickstart.json -q -o " + b.string() + extra).code == 0);
    for (const char* f : {"summary.json", "jobs.csv", "timeseries.csv"}) {
      CAPTURE(f);
      const auto x = slurp(a / f);
      CHECK(x.size() > 100);
      CHECK(x == slurp(b / f));
    }
  }
}

TEST_CASE("durations are reproduced exactly when nothing contends") {
  const auto out = temp_dir("durations");
  REQUIRE(cli("run scenarios/quickstart.json -q -o " + out.string()).code == 0);
  std::istringstream in(slurp(out / "jobs.csv"));
  std::string line;
  std::getline(in, line);
  int checked = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (f[2] != "completed") continue;
    CHECK(std::stod(f[5]) - std::stod(f[4]) == std::stod(f[8]));  // finish - start == duration
    ++checked;
  }
  CHECK(checked > 8000);
}

TEST_CASE("a horizon stops the run and reports what is pending and running") {
  const auto r = cli("run tests/data/golden/small.json --set workload.horizon_s=55 --set policy.queue=fifo-skip");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("5 total, 1 completed, 1 unplaceable, 0 pending, 3 running at horizon") != std::string::npos);
  const auto r2 = cli("run tests/data/golden/small.json --set workload.horizon_s=15");
  CHECK(r2.out.find("5 total, 0 completed, 0 unplaceable, 1 pending, 2 running at horizon") != std::string::npos);
}

TEST_CASE("bad input: exit 2, one located message, no output files") {
  const auto out = temp_dir("bad");
  auto r = cli("run tests/data/golden/small.json --set policy.placement=bestfit -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err.find("tests/data/golden/small.json: /policy/placement: unknown placement policy \"bestfit\"; valid names: ") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(out));

  r = cli("run no/such/scenario.json -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err == "fleetsim: error: no/such/scenario.json: cannot open file\n");
  CHECK_FALSE(fs::exists(out));

  // A trace with a bad row deep inside: nothing is written.
  const auto dir = temp_dir("badtrace");
  fs::create_directories(dir);
  std::ofstream(dir / "t.csv") << "id,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli\n"
                                  "a,0,10,1000,1024,1,1000\nb,1,10,1000,1024,x,1000\n";
  std::ofstream(dir / "s.json") << R"({"name":"t","cluster":{"nodes":[{"name":"n","count":1,"cpu_milli":8000,)"
                                   R"("memory_mib":8192,"gpus":1,"gpu_model":"A"}]},"workload":{"trace":"t.csv"}})";
  r = cli("run " + (dir / "s.json").string() + " -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err == "fleetsim: error: " + (dir / "t.csv").string() +
                     ":3: column num_gpu: expected an integer from 0 to 64, got \"x\"\n");
  CHECK_FALSE(fs::exists(out));

  // A job larger than any node: a located error by default for native traces and inline jobs.
  r = cli("run tests/data/golden/small.json --set workload.unplaceable=error -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err == "fleetsim: error: tests/data/golden/small.json: /workload/jobs/4: job \"e\" (40000 mCPU, 512 MiB, "
                 "0 x 0 mGPU) fits no node of the cluster even when empty; set workload.unplaceable to \"count\" to "
                 "report such jobs as unplaceable instead\n");
  CHECK_FALSE(fs::exists(out));

  r = cli("run");
  CHECK(r.code == 2);
  r = cli("frobnicate");
  CHECK(r.code == 2);
}

TEST_CASE("validate checks a scenario and its workload without running it") {
  auto r = cli("validate scenarios/quickstart.json");
  CHECK(r.code == 0);
  CHECK(r.out == "scenarios/quickstart.json: ok (10 nodes, 56 GPUs, 8152 jobs)\n");
  r = cli("validate tests/data/golden/small.json --set cluster.nodes.0.gpus=eight");
  CHECK(r.code == 2);
  CHECK(r.err == "fleetsim: error: tests/data/golden/small.json: /cluster/nodes/0/gpus: expected a non-negative "
                 "integer, got \"eight\"\n");
}

TEST_CASE("the CLI prints the published schema and the policy list") {
  auto r = cli("schema");
  CHECK(r.code == 0);
  CHECK(r.out == slurp(kSrc + "/scenarios/scenario.schema.json"));
  r = cli("policies");
  CHECK(r.code == 0);
  CHECK(r.out.find("fifo-skip") != std::string::npos);
  CHECK(r.out.find("best-fit") != std::string::npos);
}

TEST_CASE("alibaba-v2023 fill mode end to end: curve, value at 100%, per-pod files") {
  const auto out = temp_dir("fill");
  const auto r = cli("run scenarios/alibaba-v2023/fill-fgd.json -o " + out.string());
  REQUIRE(r.code == 0);
  const auto s = nlohmann::json::parse(slurp(out / "summary.json"));
  const auto& f = s["metrics"]["fill"];
  CHECK(s["mode"] == "fill");
  CHECK(f["arrived_pct"] == 100);
  CHECK(f["gpu_alloc_pct"].get<double>() > 94.5);  // the paper: 95.2 (mean over seeds)
  CHECK(f["gpu_alloc_pct"].get<double>() < 96.0);
  CHECK(f["pods"].get<int>() > 10000);
  const auto& curve = s["metrics"]["fill_curve"];
  REQUIRE(curve.size() > 120);
  for (std::size_t i = 0; i < curve.size(); ++i) CHECK(curve[i]["arrived_pct"] == static_cast<int>(i));
  CHECK(curve[50]["gpu_alloc_pct"].get<double>() == doctest::Approx(50).epsilon(0.02));  // nothing fails early
  std::istringstream jobs(slurp(out / "jobs.csv"));
  std::string line;
  std::getline(jobs, line);
  CHECK(line == "index,id,kind,status,node,gpus,gpu_milli,cpu_milli,memory_mib");
  std::size_t rows = 0;
  while (std::getline(jobs, line)) ++rows;
  CHECK(rows == f["pods"].get<std::size_t>());
}

TEST_CASE("alibaba-v2023 replay mode tracks fragmentation over time") {
  const auto out = temp_dir("replay");
  REQUIRE(cli("run scenarios/alibaba-v2023/replay-fgd.json -o " + out.string()).code == 0);
  const auto s = nlohmann::json::parse(slurp(out / "summary.json"));
  CHECK(s["metrics"]["jobs"]["completed"] == 8152);
  CHECK(s["run"]["fragmentation_target_shapes"] == 35);
  CHECK(s["metrics"]["frag_ratio"].get<double>() > 0.1);
  std::istringstream ts(slurp(out / "timeseries.csv"));
  std::string header;
  std::getline(ts, header);
  CHECK(header ==
        "time_s,gpu_alloc_milli,gpu_busy_milli,cpu_alloc_milli,mem_alloc_mib,free_whole_gpus,queue_length,running_jobs,"
        "frag_gpus,frag_ratio,"
        "stranded_gpus");
}
