#pragma once
// Importers for the Alibaba GPU cluster trace v2023 (cluster-trace-gpu-v2023, the FGD paper's
// data): node lists (sn,cpu_milli,memory_mib,gpu,model) and pod lists (11 columns, or the first
// 5 for the multigpu* lists). Errors are InputError "file:line: column <name>: expected ..., got ...".
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"
#include "sim/model/gpu_models.hpp"
#include "sim/io/scenario.hpp"

namespace fleetsim::alibaba {

/// @brief A node list as a cluster. Node i is row i (names kept from `sn`); node types are the
/// distinct (cpu, memory, gpu count, model) rows in order of first appearance.
struct NodeList {
  ClusterState cluster;
  std::vector<NodeTypeSpec> types;  ///< name "<model>x<gpus>-<cores>c-<GiB>g" or "cpu-<cores>c-<GiB>g"
};

/// @brief Reads a node list; GPU models are interned into `models` in order of first appearance.
/// A node with gpu = 0 must have an empty model and vice versa.
NodeList read_node_list(const std::filesystem::path& file, GpuModels& models);

/// @brief One pod row. `job` carries the request; the rest is what a Job does not hold.
/// Job mapping: id = name; kind = preprocessing when num_gpu = 0, inference when qos = LS,
/// training otherwise (BE, Burstable, Guaranteed, or no qos column); submit_s = creation_time
/// (0 when absent); duration_s = deletion_time - scheduled_time, or deletion_time -
/// creation_time for never-scheduled (Pending) pods, or 0 without times; priority 0.
struct Pod {
  Job job;
  std::string gpu_spec;  ///< as written, e.g. "V100M16|V100M32"; "" = any model
  std::string qos;       ///< LS | BE | Burstable | Guaranteed; "" in 5-column lists
  std::string phase;     ///< Running | Succeeded | Failed | Pending; "" in 5-column lists
  std::optional<double> creation_s, deletion_s, scheduled_s;
  std::int64_t line = 0;  ///< line of the row in its file
};

/// @brief Reads a pod list. GPU models named in gpu_spec must be known to `models` (read the
/// node list first): an unknown model is a located error listing the cluster's models.
/// num_gpu is 0..64; gpu_milli is 0 for CPU pods, 1..1000 for one GPU, 1000 for several.
std::vector<Pod> read_pod_list(const std::filesystem::path& file, const GpuModels& models);

/// @brief The jobs of `pods`, in the same order.
std::vector<Job> jobs_of(const std::vector<Pod>& pods);

} // namespace fleetsim::alibaba
