#pragma once
// What a job runs beyond "one allocation for its duration": pipelines of CPU/GPU stages in
// batches, run monolithic or disaggregated, and gangs of several allocations (multi-node
// training). Plain data; sim/work/pipeline_runner.hpp runs it in simulated time and describes the
// two modes.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/job.hpp"

namespace fleetsim {

enum class ExecMode : std::uint8_t { monolithic, disaggregated };
std::string_view to_string(ExecMode m);
/// @brief Parses "monolithic" | "disaggregated".
bool parse_exec_mode(std::string_view s, ExecMode& out);

/// @brief One stage: what each of its workers holds and how long one batch takes one worker.
struct StageSpec {
  std::string name;
  Request req;          ///< per worker (num_gpu > 0 or req.mig >= 0: a GPU stage)
  double batch_s = 0;   ///< seconds for one worker to process one batch
  std::int32_t workers = 1;
  bool uses_gpu() const { return req.num_gpu > 0; }
};

/// @brief A pipeline template.
struct PipelineSpec {
  std::string name;
  std::vector<StageSpec> stages;
  std::int64_t batches = 1;        ///< default number of batches of a job using it
  std::int32_t buffer = 1;         ///< batches each buffer between two stages holds (>= 1)
  double arrival_interval_s = 0;   ///< 0: every batch available at the start
};

/// @brief How a job runs beyond "one allocation for duration_s" (see job.hpp).
struct JobWork {
  /// Allocations placed together (a gang). Disaggregated pipelines: one per stage worker, stage
  /// by stage; multi-node training: one per node. Empty: the job's own request.
  std::vector<Request> parts;
  std::shared_ptr<const PipelineSpec> pipeline;  ///< null: no stages (GPU busy start to finish)
  ExecMode mode = ExecMode::monolithic;
  std::int64_t batches = 0;
  /// Disaggregated: parts of stage s are [stage_part[s], stage_part[s + 1]).
  std::vector<std::int32_t> stage_part;

  /// @brief True when the parts must be on distinct nodes: the parts of a job without a pipeline
  /// are the servers of a multi-node gang (`num_nodes: k`: k distinct servers); the workers of a
  /// disaggregated pipeline may share nodes.
  bool distinct_nodes() const { return !pipeline && parts.size() > 1; }
};

/// @brief The union request of a monolithic container: CPU, memory and GPUs of the largest
/// stage (workers times the stage request). GPU stages must share one GPU kind (same gpu_milli,
/// same MIG profile); the largest model mask intersection is used.
Request monolithic_request(const PipelineSpec& p);
/// @brief True when the GPU stages of `p` ask for the same kind of GPU share (required for
/// monolithic mode); `why` gets a message otherwise.
bool monolithic_compatible(const PipelineSpec& p, std::string* why);

} // namespace fleetsim
