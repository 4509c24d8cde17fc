// Generates a synthetic native CSV trace: Poisson arrivals, a mix of CPU-only and
// 1/2/4/8-GPU jobs with log-normal durations, sized so the offered GPU load on a given
// cluster is --load. Deterministic for a seed.
//
//   fleetsim-gen-synthetic --jobs 100000 --gpus 8000 --load 0.9 --seed 1 > trace.csv
//
// --mix training: 1/2/4/8-GPU training jobs with communication profiles (steps, compute per
// step, all-reduce bytes: data-parallel training of a model of 0.1-2 GB of gradients) plus
// CPU-heavy preprocessing stages that hold one GPU and 64 CPUs; --profiles 0 drops the profiles.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>

#include "sim/model/gpu_models.hpp"
#include "sim/common/rng.hpp"
#include "sim/io/traces/native.hpp"

namespace {

struct Shape {
  double weight;
  int gpus;
  std::int64_t cpu_milli, memory_mib;
  fleetsim::JobKind kind;
};

// Weights follow the job-size mix typical of shared training clusters (most jobs use one
// GPU; multi-GPU gangs are rarer but hold most GPU-time), plus CPU-only preprocessing.
const Shape kShapes[] = {
    {0.25, 0, 8000, 32768, fleetsim::JobKind::preprocessing},
    {0.05, 0, 32000, 131072, fleetsim::JobKind::preprocessing},
    {0.35, 1, 12000, 98304, fleetsim::JobKind::inference},
    {0.15, 2, 24000, 196608, fleetsim::JobKind::training},
    {0.12, 4, 48000, 393216, fleetsim::JobKind::training},
    {0.08, 8, 96000, 786432, fleetsim::JobKind::training},
};

// The mixed training workload of the composable scenarios.
const Shape kTrainingMix[] = {
    {0.20, 1, 64000, 262144, fleetsim::JobKind::preprocessing},  // CPU-heavy stage: 64 CPUs per GPU
    {0.30, 1, 8000, 65536, fleetsim::JobKind::training},
    {0.20, 2, 16000, 131072, fleetsim::JobKind::training},
    {0.18, 4, 32000, 262144, fleetsim::JobKind::training},
    {0.12, 8, 64000, 524288, fleetsim::JobKind::training},
};

std::string sarg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return fallback;
}

double arg(int argc, char** argv, const char* name, double fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atof(argv[i + 1]);
  return fallback;
}

} // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << "usage: fleetsim-gen-synthetic [--jobs N] [--gpus G] [--load L] [--mean-duration S] [--seed K]\n"
                   "Writes a native CSV trace to stdout.\n";
      return 0;
    }
  const auto n = static_cast<std::size_t>(arg(argc, argv, "--jobs", 100000));
  const double gpus = arg(argc, argv, "--gpus", 8000);
  const double load = arg(argc, argv, "--load", 0.9);
  const double mean_dur = arg(argc, argv, "--mean-duration", 3600);
  fleetsim::Rng rng(static_cast<std::uint64_t>(arg(argc, argv, "--seed", 1)));
  const bool training = sarg(argc, argv, "--mix", "default") == std::string("training");
  const bool profiles = training && arg(argc, argv, "--profiles", 1) != 0;
  const Shape* shapes = training ? kTrainingMix : kShapes;
  const std::size_t nshapes = training ? std::size(kTrainingMix) : std::size(kShapes);

  double wsum = 0, gpu_per_job = 0;
  for (std::size_t k = 0; k < nshapes; ++k) wsum += shapes[k].weight;
  for (std::size_t k = 0; k < nshapes; ++k) gpu_per_job += shapes[k].weight / wsum * shapes[k].gpus;
  // Offered load = rate * E[gpus] * E[duration] / capacity.
  const double rate = load * gpus / (gpu_per_job * mean_dur);
  const double sigma = 1.0, mu = std::log(mean_dur) - sigma * sigma / 2;  // log-normal with that mean

  std::vector<fleetsim::Job> jobs;
  jobs.reserve(n);
  double t = 0;
  for (std::size_t i = 0; i < n; ++i) {
    t += -std::log(1.0 - rng.uniform()) / rate;
    double u = rng.uniform() * wsum;
    const Shape* s = &shapes[0];
    for (std::size_t k = 0; k < nshapes; ++k) {
      s = &shapes[k];
      if ((u -= s->weight) < 0) break;
    }
    const double z = std::sqrt(-2 * std::log(1.0 - rng.uniform())) * std::cos(2 * M_PI * rng.uniform());
    fleetsim::Job j;
    j.id = "j" + std::to_string(i);
    j.kind = s->kind;
    j.submit_s = std::round(t * 1000) / 1000;
    j.duration_s = std::max(1.0, std::round(std::exp(mu + sigma * z)));
    j.req.cpu_milli = s->cpu_milli;
    j.req.memory_mib = s->memory_mib;
    j.req.num_gpu = s->gpus;
    j.req.gpu_milli = s->gpus ? 1000 : 0;
    j.priority = static_cast<int>(rng.below(3));
    if (profiles && s->kind == fleetsim::JobKind::training) {
      // Steps of 0.5 s compute; gradients of 0.1-2 GB; the trace duration is the NVLink-free
      // compute time, the reference the scheduler's sjf sees.
      j.profile.step_compute_s = 0.5;
      j.profile.steps = std::max<std::int64_t>(1, static_cast<std::int64_t>(j.duration_s / 0.5));
      j.profile.allreduce_bytes = std::round((0.1 + 1.9 * rng.uniform()) * 10) / 10 * 1e9;
    }
    jobs.push_back(std::move(j));
  }
  fleetsim::GpuModels none;
  fleetsim::write_csv_trace(std::cout, jobs, none);
  return 0;
}
