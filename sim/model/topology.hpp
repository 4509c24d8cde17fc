#pragma once
// Topology description: the kinds of servers, GPU chassis, fabric switches and links a cluster
// is built from, as a scenario states them (validated by sim/io/scenario). Plain data:
// ClusterState::from_spec builds the cluster from it, the engine builds the platform from it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  bool mig = false;        ///< MIG mode: gpu_model is then "<mig_model> (MIG)" (sim/io/work_catalog.hpp)
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

} // namespace fleetsim
