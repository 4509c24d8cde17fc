#pragma once
// Scenario files: parsed and validated whole before anything runs. Every error names the file
// and the JSON pointer of the offending value and what was expected (exit 2 via InputError).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/model/job.hpp"
#include "sim/model/topology.hpp"

namespace fleetsim {

/// @brief The FGD paper's fill experiment (workload.mode = "fill").
struct FillSpec {
  double ratio = 1.3;   ///< sample until the GPU request reaches ratio x capacity
  bool shuffle = true;  ///< shuffle the original jobs by the seed first
};

struct WorkloadSpec {
  std::filesystem::path trace;  ///< resolved against the scenario file's folder; empty = inline
  std::string format;           ///< "csv" | "jsonl" (native) | "alibaba-v2023" (pod list) | an imported format (traces::formats())
  std::string mode = "replay";  ///< "replay" (time-driven, SimGrid) | "fill" (one pod at a time)
  FillSpec fill;
  std::string unplaceable;      ///< "error" | "count"; default: count for alibaba-v2023, else error
  nlohmann::json inline_jobs;   ///< array of job objects when `jobs` is given (validated)
  std::optional<double> horizon_s;
  nlohmann::json pipelines = nlohmann::json::array();  ///< pipeline templates (validated)
  std::string pipeline_mode = "monolithic";             ///< default execution mode of pipelines
  std::vector<std::filesystem::path> more_traces;  ///< further files of the same trace (resolved)
  // Load shaping (sim/io/traces/import.hpp), every format:
  std::optional<double> window_start, window_end;  ///< seconds from the trace's origin
  std::string vc;                                  ///< keep one virtual cluster ("" = all)
  std::optional<double> sample;                    ///< keep this fraction of jobs
  std::uint64_t sample_seed = 42;                  ///< default: the scenario's seed
  double time_scale = 1.0;                         ///< multiplies submit times
};

/// @brief The target workload of the fragmentation measure.
struct FragmentationSpec {
  bool popular = true;          ///< derive it from the workload's most popular shapes
  double coverage_pct = 95.0;   ///< popular: take shapes until they cover this share of jobs
  bool include_cpu_only = true; ///< popular: count CPU-only jobs as shapes
  nlohmann::json shapes;        ///< explicit: array of {cpu_milli, num_gpu, gpu_milli, gpu_models, weight}
};

/// @brief metrics.window: the part of the run that is measured (docs/metrics.md).
struct MetricsWindowSpec {
  std::optional<double> start_s;  ///< start_s or warmup_s; absent: 0
  std::optional<double> end_s;    ///< absent: the run's end (or the last arrival with exclude_drain)
  bool exclude_drain = false;     ///< drain: "exclude"
  bool set() const { return start_s || end_s || exclude_drain; }
};

struct PolicySpec {
  std::string queue = "fifo";
  std::string placement = "first-fit";
  nlohmann::json params = nlohmann::json::object();
};

struct OutputSpec {
  std::filesystem::path dir;  ///< empty = no files (resolved against the current directory)
  bool jobs_csv = true;
  bool timeseries_csv = true;
};

struct Scenario {
  std::string name;
  std::filesystem::path source;  ///< the scenario file ("" for in-memory)
  ClusterSpec cluster;
  WorkloadSpec workload;
  PolicySpec policy;
  FragmentationSpec fragmentation;
  MetricsWindowSpec window;
  std::uint64_t seed = 42;
  OutputSpec outputs;
  nlohmann::json raw;  ///< the document after --set overrides, as validated
};

/// @brief Applies `--set PATH=VALUE` overrides. PATH is dotted (`policy.placement`,
/// `cluster.nodes.0.count`); VALUE is parsed as JSON when it parses, else taken as a string.
/// Throws InputError naming the override when the path cannot be applied.
void apply_override(nlohmann::json& doc, const std::string& assignment);

/// @brief Validates a scenario document and converts it. `label` prefixes every message
/// (usually the file name); `base_dir` resolves relative trace paths.
Scenario scenario_from_json(const nlohmann::json& doc, const std::string& label,
                            const std::filesystem::path& base_dir);

/// @brief Reads, overrides, validates. Throws InputError for any problem.
Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
/// @brief As load_scenario, from `file`'s document already read with input::read_json_file
/// (a sweep validates thousands of points of one file without reading it again).
Scenario load_scenario(const nlohmann::ordered_json& doc, const std::filesystem::path& file,
                       const std::vector<std::string>& overrides);

/// @brief The JSON Schema (draft 2020-12) that describes exactly what the validator accepts.
nlohmann::ordered_json scenario_schema();

} // namespace fleetsim
