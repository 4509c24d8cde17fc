#pragma once
// Scenario files: parsed and validated whole before anything runs. Every error names the file
// and the JSON pointer of the offending value and what was expected (exit 2 via InputError).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/job.hpp"

namespace fleetsim {

/// @brief One kind of server and how many of them.
struct NodeTypeSpec {
  std::string name;
  std::int64_t count = 0;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int64_t gpus = 0;
  std::string gpu_model;  ///< empty when gpus == 0
  std::int64_t fabric_ports = 0;  ///< composable: most pooled GPUs attached at once
  std::string fabric_switch;      ///< composable: the switch its ports connect to
  bool mig = false;        ///< MIG mode: gpu_model is then "<mig_model> (MIG)" (sim/work.hpp)
  std::string mig_model;   ///< MIG mode: the GPU model as written, e.g. "A100-40GB"
};

/// @brief A kind of GPU chassis (composable) and how many of them.
struct PoolTypeSpec {
  std::string name;
  std::int64_t count = 1;
  std::int64_t gpus = 0;  ///< per chassis
  std::string gpu_model;
  double uplink_bandwidth_Bps = 63e9;
};

/// @brief A fabric switch: servers connect to it; it reaches the listed pool types.
struct SwitchSpec {
  std::string name;
  std::vector<std::string> pools;
};

/// @brief Link speeds and composition times (defaults and their sources in the README).
struct LinkSpec {
  double nvlink_bandwidth_Bps = 300e9;  ///< per GPU, per direction (NVLink 3, A100: 600 GB/s bidirectional)
  double nvlink_latency_s = 1e-6;
  double nic_bandwidth_Bps = 25e9;      ///< 200 Gb/s HDR InfiniBand / Ethernet
  double nic_latency_s = 2e-6;
  double port_bandwidth_Bps = 31.5e9;   ///< fabric port and chassis GPU slot: PCIe Gen4 x16
  double port_latency_s = 1e-7;         ///< one PCIe switch hop (~100 ns)
  double attach_s = 5;                  ///< attach pooled GPUs to a server
  double detach_s = 2;                  ///< detach idle GPUs from another server first
};

struct ClusterSpec {
  std::string topology = "static";       ///< "static" | "composable"
  std::vector<NodeTypeSpec> node_types;  ///< from `nodes` (empty when a node list is used)
  std::vector<PoolTypeSpec> pools;       ///< composable only
  std::vector<SwitchSpec> switches;      ///< composable only
  LinkSpec links;
  std::filesystem::path node_list;       ///< from `node_list`, resolved; empty = use node_types
  std::string node_list_format;          ///< "alibaba-v2023"
  nlohmann::json mig_models = nlohmann::json::array();  ///< declared MIG geometries (validated)
};

/// @brief The FGD paper's fill experiment (workload.mode = "fill").
struct FillSpec {
  double ratio = 1.3;   ///< sample until the GPU request reaches ratio x capacity
  bool shuffle = true;  ///< shuffle the original jobs by the seed first
};

struct WorkloadSpec {
  std::filesystem::path trace;  ///< resolved against the scenario file's folder; empty = inline
  std::string format;           ///< "csv" | "jsonl" (native) | "alibaba-v2023" (pod list)
  std::string mode = "replay";  ///< "replay" (time-driven, SimGrid) | "fill" (one pod at a time)
  FillSpec fill;
  std::string unplaceable;      ///< "error" | "count"; default: count for alibaba-v2023, else error
  nlohmann::json inline_jobs;   ///< array of job objects when `jobs` is given (validated)
  std::optional<double> horizon_s;
  nlohmann::json pipelines = nlohmann::json::array();  ///< pipeline templates (validated)
  std::string pipeline_mode = "monolithic";             ///< default execution mode of pipelines
};

/// @brief The target workload of the fragmentation measure.
struct FragmentationSpec {
  bool popular = true;          ///< derive it from the workload's most popular shapes
  double coverage_pct = 95.0;   ///< popular: take shapes until they cover this share of jobs
  bool include_cpu_only = true; ///< popular: count CPU-only jobs as shapes
  nlohmann::json shapes;        ///< explicit: array of {cpu_milli, num_gpu, gpu_milli, gpu_models, weight}
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

/// @brief The JSON Schema (draft 2020-12) that describes exactly what the validator accepts.
nlohmann::ordered_json scenario_schema();

} // namespace fleetsim
