// End to end through the `fleetsim` binary: the scenarios of scenarios/disaggregation/
// (monolithic vs disaggregated pretraining, the inference mix on fractions and MIG
// instances), GPU busy time consistent across summary.json, jobs.csv and timeseries.csv, and
// located validation errors (exit 2, nothing written).
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/cli_test.hpp"


namespace {





nlohmann::json run(const std::string& scenario, const fs::path& out, const std::string& extra = "") {
  const auto r = cli("run " + scenario + " -q -o " + out.string() + extra);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(slurp(out / "summary.json"));
}

/// Rows of a CSV file as maps from column name to text.
std::vector<std::map<std::string, std::string>> csv(const fs::path& p) {
  std::istringstream in(slurp(p));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> head;
  std::stringstream hs(line);
  for (std::string x; std::getline(hs, x, ',');) head.push_back(x);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::stringstream ss(line);
    std::size_t k = 0;
    for (std::string x; std::getline(ss, x, ',');) row[head.at(k++)] = x;
    if (k < head.size()) row[head.at(k)] = "";
    rows.push_back(std::move(row));
  }
  return rows;
}

const std::string kMono = "scenarios/disaggregation/pretrain-monolithic.json";
const std::string kDis = "scenarios/disaggregation/pretrain-disaggregated.json";
const std::string kMix = "scenarios/disaggregation/inference-mix.json";

} // namespace

TEST_CASE("pretraining, monolithic: GPUs idle during CPU stages, CPU-starved servers") {
  const auto out = temp_dir("mono");
  const auto s = run(kMono, out);
  const auto& m = s["metrics"];
  // 64 jobs of 900 batches; a container (24 cores, 1 GPU) takes 4/4 + 1 + 0.25 = 2.25 s a batch,
  // 2,025 s a job; 5 fit a 128-core server: 20 at once on 4 servers, 4 waves, 8,100 s.
  CHECK(m["makespan_s"] == 8100.0);
  CHECK(m["gpu_alloc_ratio"].get<double>() == doctest::Approx(0.5).epsilon(1e-12));  // 64 x 2025 / (32 x 8100)
  CHECK(m["gpu_busy_ratio"].get<double>() == doctest::Approx(2.0 / 9).epsilon(1e-12));  // 64 x 900 / (32 x 8100)
  CHECK(m["gpu_hours_allocated"].get<double>() == doctest::Approx(36.0).epsilon(1e-12));
  CHECK(m["gpu_hours_busy"].get<double>() == doctest::Approx(16.0).epsilon(1e-12));
  CHECK(m["idle_while_allocated_gpu_hours"].get<double>() == doctest::Approx(20.0).epsilon(1e-12));
  CHECK(m["by_kind"]["training"]["gpu_busy_ratio"] == m["gpu_busy_ratio"]);
  CHECK(m["by_kind"]["inference"]["jobs"] == 0);
  CHECK(m["pipelines"]["monolithic"] == 64);
  CHECK(m["pipelines"]["stage_runs"] == 64 * 900 * 3);
  const auto jobs = csv(out / "jobs.csv");
  REQUIRE(jobs.size() == 64);
  CHECK(jobs[0].at("duration_s") == "2025");  // the ideal run time of the job alone
  CHECK(jobs[0].at("cpu_milli") == "24000");
  CHECK(jobs[0].at("alloc_gpu_s") == "2025.000");
  CHECK(jobs[0].at("busy_gpu_s") == "900.000");
}

TEST_CASE("pretraining, disaggregated: stages overlap, GPUs busy, the same jobs 4.5 times sooner") {
  const auto out = temp_dir("dis");
  const auto s = run(kDis, out);
  const auto& m = s["metrics"];
  // A job: 4 + 1 + 0.25 + 899 x 1 s = 904.25 s; 32 at once (one per GPU), 2 waves.
  CHECK(m["makespan_s"] == 1808.25);
  CHECK(m["gpu_busy_ratio"].get<double>() > 0.99);
  // Each trainer waits 4 s for its first decoded batch: 64 x 4 GPU-seconds idle while allocated.
  CHECK(m["idle_while_allocated_gpu_hours"].get<double>() == doctest::Approx(64 * 4 / 3600.0).epsilon(1e-9));
  CHECK(m["pipelines"]["disaggregated"] == 64);
  const auto jobs = csv(out / "jobs.csv");
  CHECK(jobs[0].at("duration_s") == "904.25");
  CHECK(jobs[0].at("node") == "cpu-0|cpu-0|cpu-0|cpu-0|dgx-0|cpu-0");  // 4 decoders, trainer, writer
  CHECK(jobs[0].at("gpus") == "||||0|");
  CHECK(jobs[0].at("alloc_gpu_s") == "904.000");  // the trainer is released after its last step
  CHECK(jobs[0].at("busy_gpu_s") == "900.000");
}

TEST_CASE("GPUs needed to finish the 64 jobs within the monolithic makespan (8,100 s)") {
  // Disaggregated: one server of 8 GPUs is enough: 8 waves, each starting when the trainers of
  // the last one are released (904 s), the last one ending 904.25 s after it started.
  auto d = run(kDis, temp_dir("need-dis"), " --set cluster.nodes.1.count=1");
  CHECK(d["cluster"]["gpus"] == 8);
  CHECK(d["metrics"]["makespan_s"] == 7 * 904.0 + 904.25);
  // Monolithic: 3 servers (24 GPUs, 15 containers) take 5 waves, 10,125 s: it needs all 32.
  auto m = run(kMono, temp_dir("need-mono"), " --set cluster.nodes.1.count=3");
  CHECK(m["metrics"]["makespan_s"] == 5 * 2025.0);
}

TEST_CASE("inference mix: fractions and MIG instances, busy per share, consistent everywhere") {
  for (const std::string mode : {"monolithic", "disaggregated"}) {
    CAPTURE(mode);
    const auto out = temp_dir("mix-" + mode);
    const auto s = run(kMix, out, " --set workload.pipeline_mode=" + mode);
    const auto& m = s["metrics"];
    CHECK(m["jobs"]["completed"] == 32);
    CHECK(m["mig"]["gpus"] == 8);
    CHECK(m["mig"]["instances_created"] == 18);  // 4 x 3g, 8 x 1g, 4 x 2g, 2 notebooks x 1g
    CHECK(m["gpu_busy_ratio"].get<double>() < m["gpu_alloc_ratio"].get<double>());
    // Kinds add up to the totals.
    const double kinds_alloc = m["by_kind"]["training"]["gpu_hours_allocated"].get<double>() +
                               m["by_kind"]["inference"]["gpu_hours_allocated"].get<double>();
    const double kinds_busy = m["by_kind"]["training"]["gpu_hours_busy"].get<double>() +
                              m["by_kind"]["inference"]["gpu_hours_busy"].get<double>();
    CHECK(kinds_alloc == doctest::Approx(m["gpu_hours_allocated"].get<double>()).epsilon(1e-9));
    CHECK(kinds_busy == doctest::Approx(m["gpu_hours_busy"].get<double>()).epsilon(1e-9));
    // jobs.csv per job, and the time integral of timeseries.csv, give the same busy GPU-hours.
    double busy_jobs = 0, alloc_jobs = 0;
    for (const auto& r : csv(out / "jobs.csv")) {
      busy_jobs += std::stod(r.at("busy_gpu_s"));
      alloc_jobs += std::stod(r.at("alloc_gpu_s"));
      if (r.at("id") == "embed-0") {
        // 9,000 batches of 0.05 s on a 250-milli share: 112.5 GPU-seconds busy.
        CHECK(r.at("busy_gpu_s") == "112.500");
        CHECK(r.at("gpu_milli") == "250");
      }
      if (r.at("id") == "chat-7b-0") CHECK(r.at("busy_gpu_s") == "617.760");  // 1,800 x 0.8 s x 429 milli (3g.20gb)
      if (r.at("id") == "batch-0") CHECK(r.at("busy_gpu_s") == r.at("alloc_gpu_s"));  // no stages: busy throughout
    }
    CHECK(busy_jobs / 3600 == doctest::Approx(m["gpu_hours_busy"].get<double>()).epsilon(1e-6));
    CHECK(alloc_jobs / 3600 == doctest::Approx(m["gpu_hours_allocated"].get<double>()).epsilon(1e-6));
    const auto rows = csv(out / "timeseries.csv");
    REQUIRE(rows.size() > 100);
    long double area = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto busy = std::stoll(rows[i].at("gpu_busy_milli")), alloc = std::stoll(rows[i].at("gpu_alloc_milli"));
      CHECK(busy <= alloc);
      const double t1 = i + 1 < rows.size() ? std::stod(rows[i + 1].at("time_s")) : m["window_s"].get<double>();
      area += static_cast<long double>(busy) * (t1 - std::stod(rows[i].at("time_s")));
    }
    CHECK(static_cast<double>(area / 1000 / 3600) == doctest::Approx(m["gpu_hours_busy"].get<double>()).epsilon(1e-9));
  }
}

TEST_CASE("pipeline runs are deterministic") {
  for (const auto& sc : {kDis, kMix}) {
    CAPTURE(sc);
    const auto a = temp_dir("det-a"), b = temp_dir("det-b");
    run(sc, a);
    run(sc, b);
    for (const char* f : {"summary.json", "jobs.csv", "timeseries.csv"}) CHECK(slurp(a / f) == slurp(b / f));
  }
}

TEST_CASE("pipeline and MIG input errors are located, exit 2, nothing written") {
  const auto out = temp_dir("bad");
  auto bad = [&](const std::string& args, const std::string& message) {
    CAPTURE(args);
    const auto r = cli("run " + args + " -o " + out.string());
    CHECK(r.code == 2);
    CHECK(r.err == "fleetsim: error: " + message + "\n");
    CHECK_FALSE(fs::exists(out));
  };
  bad(kDis + " --set workload.pipelines.0.stages.0.cpu_milli=200000",
      kDis + ": /workload/pipelines/0/stages/0: a worker of stage \"decode\" (cpu_milli 200000, memory_mib 16384) fits "
             "no node of the cluster");
  bad(kDis + " --set workload.pipelines.0.buffer=0",
      kDis + ": /workload/pipelines/0/buffer: expected a positive integer, got 0");
  bad(kMix + " --set workload.pipelines.0.stages.1.mig=3g.40gb",
      kMix + ": /workload/pipelines/0/stages/1/mig: no MIG-enabled GPU model has profile \"3g.40gb\" (A100-40GB: "
             "1g.5gb, 1g.5gb+me, 1g.10gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb)");
  bad(kMix + " --set workload.pipelines.3.stages.1.gpu_milli=0",
      kMix + ": /workload/pipelines/3/stages/1/gpu_milli: expected a positive integer, got 0");
  bad(kMix + " --set cluster.nodes.1.gpu_model=V100",
      kMix + ": /cluster/nodes/1/mig: GPU model \"V100\" has no MIG geometry; built in: A30-24GB, A100-40GB, A100-80GB, "
             "H100-80GB, H100-94GB, H200-141GB (and aliases A30, A100, H100, H100-NVL, H200), or declare it in "
             "/cluster/mig_models");
  // A monolithic container larger than any server: located at the trace row that asks for it.
  bad(kMono + " --set workload.pipelines.0.stages.0.workers=40",
      "scenarios/disaggregation/pretrain-jobs.csv:2: column pipeline: in monolithic mode pipeline \"pretrain\" needs "
      "one container of cpu_milli 240000, memory_mib 655360, 1 GPU(s) of 1000 milli that no node can hold (run it "
      "disaggregated, or give it smaller stages), got \"pretrain\"");
  bad(kMono + " --set workload.pipelines.0.name=other",
      "scenarios/disaggregation/pretrain-jobs.csv:2: column pipeline: unknown pipeline \"pretrain\"; declared: \"other\", "
      "got \"pretrain\"");
  // validate reports the same, without running.
  const auto r = cli("validate " + kDis + " --set workload.pipelines.0.buffer=0");
  CHECK(r.code == 2);
}
