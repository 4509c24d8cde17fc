// Writes the pipeline benchmark (issue 5): a scenario with three pipeline templates (a
// preprocessing-heavy training input pipeline, an inference service fed request batches, an
// embedding ETL job) and a CSV trace of N pipeline jobs with Poisson arrivals, each job a
// template, a mode (monolithic or disaggregated, half each) and B batches. Every batch passes
// three stages, so the run has about N x B x 3 stage events.
// Usage: fleetsim-gen-pipelines --jobs N --batches B --gpu-nodes G --cpu-nodes C --seed S --dir DIR
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "sim/common/rng.hpp"

namespace {

[[noreturn]] void usage(const char* why) {
  std::cerr << "fleetsim-gen-pipelines: " << why
            << "\nusage: fleetsim-gen-pipelines --jobs N --batches B --gpu-nodes G --cpu-nodes C --seed S "
               "--interarrival SECONDS --dir DIR\n";
  std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
  long jobs = 10000, batches = 100, gpu_nodes = 8, cpu_nodes = 20;
  unsigned long long seed = 1;
  double interarrival = 2.0;
  std::filesystem::path dir = ".";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + a).c_str());
    const std::string v = argv[++i];
    char* end = nullptr;
    if (a == "--jobs") jobs = std::strtol(v.c_str(), &end, 10);
    else if (a == "--batches") batches = std::strtol(v.c_str(), &end, 10);
    else if (a == "--gpu-nodes") gpu_nodes = std::strtol(v.c_str(), &end, 10);
    else if (a == "--cpu-nodes") cpu_nodes = std::strtol(v.c_str(), &end, 10);
    else if (a == "--seed") seed = std::strtoull(v.c_str(), &end, 10);
    else if (a == "--interarrival") interarrival = std::strtod(v.c_str(), &end);
    else if (a == "--dir") dir = v, end = nullptr;
    else usage(("unknown option " + a).c_str());
    if (end && *end) usage(("bad value for " + a).c_str());
  }
  if (jobs < 1 || batches < 1 || gpu_nodes < 1 || cpu_nodes < 0 || !(interarrival > 0)) usage("values out of range");
  std::filesystem::create_directories(dir);

  std::ofstream sc(dir / "scenario.json");
  sc << R"({
  "name": "bench-pipelines",
  "description": "Issue 5 speed target: pipeline jobs of three stages each, half monolithic, half disaggregated.",
  "seed": )" << seed << R"(,
  "cluster": {
    "nodes": [
      {"name": "cpu", "count": )" << cpu_nodes << R"(, "cpu_milli": 128000, "memory_mib": 524288},
      {"name": "gpu8", "count": )" << gpu_nodes << R"(, "cpu_milli": 128000, "memory_mib": 1048576, "gpus": 8, "gpu_model": "A100"}
    ]
  },
  "workload": {
    "trace": "trace.csv",
    "pipelines": [
      {"name": "train", "batches": )" << batches << R"(, "buffer": 4, "stages": [
        {"name": "decode", "cpu_milli": 6000, "memory_mib": 8192, "batch_s": 3.3, "workers": 3},
        {"name": "train", "cpu_milli": 4000, "memory_mib": 32768, "num_gpu": 1, "batch_s": 1.1},
        {"name": "post", "cpu_milli": 1000, "memory_mib": 2048, "batch_s": 0.37}]},
      {"name": "infer", "batches": )" << batches << R"(, "buffer": 2, "arrival_interval_s": 2.5, "stages": [
        {"name": "tokenize", "cpu_milli": 1000, "memory_mib": 2048, "batch_s": 0.13},
        {"name": "generate", "cpu_milli": 2000, "memory_mib": 16384, "num_gpu": 1, "gpu_milli": 500, "batch_s": 0.7},
        {"name": "detokenize", "cpu_milli": 1000, "memory_mib": 1024, "batch_s": 0.07}]},
      {"name": "etl", "batches": )" << batches << R"(, "buffer": 2, "stages": [
        {"name": "extract", "cpu_milli": 4000, "memory_mib": 8192, "batch_s": 1.7},
        {"name": "embed", "cpu_milli": 2000, "memory_mib": 8192, "num_gpu": 1, "gpu_milli": 250, "batch_s": 0.45},
        {"name": "load", "cpu_milli": 2000, "memory_mib": 4096, "batch_s": 0.9}]}
    ]
  },
  "policy": {"queue": "fifo-skip", "placement": "first-fit"},
  "outputs": {"timeseries_csv": false, "report_html": false}
}
)";

  fleetsim::Rng rng(seed);
  std::ofstream tr(dir / "trace.csv");
  tr << "id,kind,submit_s,pipeline,mode\n";
  const char* tpl[] = {"train", "infer", "etl"};
  const char* kind[] = {"training", "inference", "preprocessing"};
  double t = 0;
  char buf[64];
  for (long i = 0; i < jobs; ++i) {
    t += -interarrival * std::log1p(-rng.uniform());  // exponential inter-arrival times
    const auto k = rng.below(3);
    std::snprintf(buf, sizeof buf, "%.3f", t);
    tr << 'p' << i << ',' << kind[k] << ',' << buf << ',' << tpl[k] << ',' << (rng.below(2) ? "disaggregated" : "monolithic")
       << '\n';
  }
  return 0;
}
