#pragma once
// Builds the SimGrid platform of a static cluster: a flat star zone with one host per server
// and one host per GPU, each behind its own link (server NIC, GPU NVLink/PCIe port). Flat on
// purpose: nested per-server zones cost seconds at thousands of servers (SIMGRID.md).
#include <vector>

namespace simgrid::s4u {
class Host;
class Link;
class NetZone;
} // namespace simgrid::s4u

namespace fleetsim {

class ClusterState;

/// @brief Link and host parameters of a static platform. Defaults: 200 Gb/s NICs (25 GB/s,
/// 2 us), NVLink-class GPU ports (300 GB/s, 1 us), 1 Tflop/s hosts (only communication and
/// timers are simulated for now, so host speeds do not change results).
struct PlatformParams {
  double nic_bandwidth_Bps = 25e9;
  double nic_latency_s = 2e-6;
  double gpu_link_bandwidth_Bps = 300e9;
  double gpu_link_latency_s = 1e-6;
  double host_flops = 1e12;
  double gpu_flops = 1e14;
};

struct StaticPlatform {
  simgrid::s4u::NetZone* zone = nullptr;
  std::vector<simgrid::s4u::Host*> node_hosts;  ///< by node index
  std::vector<simgrid::s4u::Host*> gpu_hosts;   ///< by flat GPU index
  std::size_t links = 0;
};

/// @brief Creates and seals the platform. Requires a live simgrid::s4u::Engine.
StaticPlatform build_static_platform(const ClusterState& cluster, const PlatformParams& params = {});

} // namespace fleetsim
