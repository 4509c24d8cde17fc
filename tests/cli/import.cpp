// fleetsim import (issue 16) through the binary: the printed counts, the native trace it
// writes (read back by a scenario, gangs included), options, exit 2 with a located message and
// nothing written, and the scenario keys that shape an imported workload.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/cli_test.hpp"

namespace {

const std::string kFix = "scenarios/data/fixtures";

std::size_t count_lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

} // namespace

TEST_CASE("import helios: prints what it read and writes a native trace atomically") {
  const auto dir = temp_dir("import-helios");
  fs::create_directories(dir);
  const auto out = dir / "trace.csv";
  const auto r = cli("import helios " + kFix + "/helios/cluster_log.csv -o " + out.string());
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("  rows read            12\n") != std::string::npos);
  CHECK(r.out.find("  jobs                 10\n") != std::string::npos);
  CHECK(r.out.find("  GPU jobs             9\n") != std::string::npos);
  CHECK(r.out.find("  GPU-hours            547.1\n") != std::string::npos);
  CHECK(r.out.find("               1  cancelled before start\n") != std::string::npos);
  CHECK(r.out.find("  submit span          67261 s to 126000 s (0.68 days)\n") != std::string::npos);
  const std::string text = slurp(out);
  CHECK(count_lines(text) == 11);
  CHECK(text.find("1425521,training,122400,7200,32000,0,8,1000,,0,16\n") != std::string::npos);
  // Nothing but the output is left in the folder.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  CHECK(files == 1);

  // The written trace replays as a native trace, 16-node gang included.
  const auto sc = dir / "s.json";
  std::ofstream(sc) << R"({"name": "t", "cluster": {"nodes": [{"name": "n", "count": 16, "cpu_milli": 64000,
    "memory_mib": 262144, "gpus": 8, "gpu_model": "V100"}]}, "workload": {"trace": "trace.csv"}})";
  const auto v = cli("validate " + sc.string());
  CHECK(v.code == 0);
  CHECK(v.out.find("(16 nodes, 128 GPUs, 10 jobs)") != std::string::npos);
}

TEST_CASE("import options: window, vc, sample, time scale") {
  auto r = cli("import helios " + kFix + "/helios/cluster_log.csv --vc vcJkd");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("  jobs                 5\n") != std::string::npos);
  CHECK(r.out.find("other virtual cluster") != std::string::npos);
  r = cli("import helios " + kFix + "/helios/cluster_log.csv --window 64800 86400");
  CHECK(r.out.find("  jobs                 7\n") != std::string::npos);
  CHECK(r.out.find("  submit span          2461 s to 21599 s (0.22 days)\n") != std::string::npos);
  r = cli("import helios " + kFix + "/helios/cluster_log.csv --time-scale 0.5");
  CHECK(r.out.find("  submit span          33630 s to 63000 s (0.34 days)") != std::string::npos);
  const auto a = cli("import helios " + kFix + "/helios/cluster_log.csv --sample 0.5 --seed 3");
  const auto b = cli("import helios " + kFix + "/helios/cluster_log.csv --sample 0.5 --seed 3");
  CHECK(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("not sampled") != std::string::npos);
}

TEST_CASE("import: bad input exits 2 with one located message and writes nothing") {
  const auto dir = temp_dir("import-bad");
  fs::create_directories(dir);
  const auto out = dir / "trace.csv";
  // A Helios log given as Philly: the hint names the right format.
  auto r = cli("import philly " + kFix + "/helios/cluster_log.csv -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err == "fleetsim: error: " + kFix + "/helios/cluster_log.csv:1: expected a JSON array of jobs ('['), got \"j\" "
                 "(this looks like a Helios cluster_log.csv; use format helios)\n");
  CHECK_FALSE(fs::exists(out));
  CHECK(fs::is_empty(dir));
  // A bad row in the middle of a file: located; the partial output is removed.
  const auto bad = dir / "cluster_log.csv";
  std::ofstream(bad) << slurp(FLEETSIM_SOURCE_DIR "/" + kFix + "/helios/cluster_log.csv")
                     << "1425523,u,vcA,1,1,1,COMPLETED,2020-06-10 12:00:00,2020-06-10 12:00:00,tomorrow,,0\n";
  r = cli("import helios " + bad.string() + " -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err.find("cluster_log.csv:14: column end_time: expected a time") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  r = cli("import acme " + kFix + "/acme/trace_seren.csv --vc x");
  CHECK(r.code == 2);
  CHECK(r.err == "fleetsim: error: format acme has no virtual clusters, so --vc (workload.vc) cannot select one\n");
  r = cli("import helios " + kFix + "/helios/cluster_log.csv --window 10 5");
  CHECK(r.code == 2);
  r = cli("import helios no-such-file.csv");
  CHECK(r.code == 2);
  CHECK(r.err.find("no-such-file.csv: cannot open file") != std::string::npos);
}

TEST_CASE("import --node-list prints nodes and GPUs by model") {
  const auto r = cli("import pai-2020 --node-list scenarios/data/alibaba-pai-gpu-v2020/pai_machine_spec.csv");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("  nodes                1897\n  GPUs                 6742\n") != std::string::npos);
  CHECK(r.out.find("    MISC: 280 nodes, 2240 GPUs\n") != std::string::npos);
  CHECK(r.out.find("    (no GPU): 83 nodes, 0 GPUs\n") != std::string::npos);
}

TEST_CASE("scenarios: every format's scenario validates, and workload shaping keys apply") {
  for (const char* s : {"helios", "philly", "pai-2020", "acme", "swf", "alibaba-2025-dlrm", "alibaba-2026-spot"}) {
    const auto r = cli(std::string("validate scenarios/traces/") + s + ".json");
    CHECK_MESSAGE(r.code == 0, s << ": " << r.err);
  }
  auto r = cli("validate scenarios/traces/helios.json --set workload.vc=vcJkd");
  CHECK(r.out.find(", 5 jobs)") != std::string::npos);
  r = cli("validate scenarios/traces/helios.json --set workload.window.start_s=64800 --set workload.window.end_s=86400");
  CHECK(r.out.find(", 7 jobs)") != std::string::npos);
  r = cli("validate scenarios/traces/alibaba-2025-dlrm.json --set workload.vc=app_0 --set workload.window.end_s=1e10");
  CHECK(r.out.find(", 2551 jobs)") != std::string::npos);
  // Options a format cannot honour are located scenario errors.
  r = cli("validate scenarios/traces/acme.json --set workload.vc=x");
  CHECK(r.code == 2);
  CHECK(r.err.find("/workload/vc: format acme has no virtual clusters") != std::string::npos);
  r = cli("validate scenarios/traces/helios.json --set workload.sample=2");
  CHECK(r.code == 2);
  CHECK(r.err.find("/workload/sample: expected a number <= 1, got 2") != std::string::npos);
  // A Helios log read as a native CSV trace names the format it looks like.
  r = cli("validate scenarios/traces/helios.json --set workload.format=csv");
  CHECK(r.code == 2);
  CHECK(r.err.find("(this looks like a Helios cluster_log.csv; use format helios)") != std::string::npos);
}

TEST_CASE("import: every format rejects binary and truncated input with exit 2, never a crash") {
  const auto dir = temp_dir("import-garbage");
  fs::create_directories(dir);
  const auto bin = dir / "bin.dat";
  std::ofstream(bin, std::ios::binary) << std::string("\x00\x01\x02\xff", 4);
  const auto half = dir / "half.json";
  std::ofstream(half) << "[{\"jobid\": \"a\", \"attempts\": [{\"start_time\": \"2017-";
  for (const char* f : {"helios", "philly", "pai-2020", "acme", "swf", "alibaba-2025-dlrm", "alibaba-2026-spot"}) {
    auto r = cli(std::string("import ") + f + " " + bin.string());
    CHECK_MESSAGE(r.code == 2, f << ": " << r.err);
    CHECK(r.err.find("bin.dat:1") != std::string::npos);
    r = cli(std::string("import ") + f + " " + half.string());
    CHECK_MESSAGE(r.code == 2, f << ": " << r.err);
    CHECK(r.err.find("half.json:1") != std::string::npos);
  }
  for (const char* f : {"helios", "philly", "pai-2020", "alibaba-2026-spot"}) {
    const auto r = cli(std::string("import ") + f + " --node-list " + bin.string());
    CHECK_MESSAGE(r.code == 2, f << ": " << r.err);
  }
}
