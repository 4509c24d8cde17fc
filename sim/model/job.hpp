#pragma once
// Jobs: what a workload submits. A job's request says how big it is; its work model says how
// it runs (here: a fixed duration on the reference topology).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

enum class JobKind : std::uint8_t { training, inference, preprocessing };

/// @brief Name of a kind as it appears in traces and outputs.
std::string_view to_string(JobKind k);
/// @brief Parses "training" | "inference" | "preprocessing"; returns false on anything else.
bool parse_job_kind(std::string_view s, JobKind& out);

/// @brief Resources one job asks for. num_gpu GPUs, each with gpu_milli of it (1000 = whole).
/// gpu_milli < 1000 is only meaningful with num_gpu == 1 (a shared GPU).
struct Request {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int32_t num_gpu = 0;
  std::int32_t gpu_milli = 0;     ///< per GPU; 0 when num_gpu == 0
  std::uint64_t model_mask = 0;   ///< allowed GPU models (bit = model id); 0 = any model
  /// MIG profile (sim/mig: an id of MigCatalog): num_gpu instances of it, gpu_milli nominal.
  /// -1: no MIG.
  std::int16_t mig = -1;

  /// @brief Total milli-GPU requested (num_gpu * gpu_milli).
  std::int64_t total_gpu_milli() const { return std::int64_t(num_gpu) * gpu_milli; }
};

/// @brief How a communicating job runs: `steps` steps, each `step_compute_s` of computation plus
/// a ring all-reduce of `allreduce_bytes` among its GPUs, simulated over the links its GPUs use.
/// steps == 0: no profile, the job runs its trace duration.
struct CommProfile {
  std::int64_t steps = 0;
  double step_compute_s = 0;
  double allreduce_bytes = 0;
};

struct JobWork;  // sim/work/pipeline_runner.hpp: gangs of allocations and pipelines of stages

struct Job {
  std::string id;
  JobKind kind = JobKind::training;
  double submit_s = 0;
  double duration_s = 0;
  Request req;
  std::int32_t priority = 0;
  CommProfile profile;
  /// Several allocations (multi-node training, disaggregated stages) and/or stages run in
  /// batches; null: one allocation (req) busy for duration_s. Shared by jobs of one template.
  std::shared_ptr<const JobWork> work;
};

} // namespace fleetsim
