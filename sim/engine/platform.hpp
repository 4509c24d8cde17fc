#pragma once
// Builds the SimGrid platform of a cluster: one flat star zone (nested per-server zones cost
// seconds at thousands of servers: docs/architecture.md, "Decisions"). Every endpoint's route to the star's centre
// lists the links its traffic crosses, all split-duplex (full-duplex hardware):
//   server              [NIC]
//   local GPU           [its NVLink port]                (GPU-to-GPU inside a server: NVSwitch)
//   pooled GPU, chassis [its PCIe slot]                  (GPU-to-GPU inside one chassis)
//   pooled GPU, fabric  [its PCIe slot, chassis uplink]  (across chassis, through the switch)
// A job's ring all-reduce uses the chassis endpoints when all its pooled GPUs share a chassis
// and the fabric endpoints otherwise, so traffic crosses exactly the links it would on the
// hardware, and flows of different jobs on one link share it (max-min fairness, CM02 model).
#include <vector>

namespace simgrid::s4u {
class Host;
class NetZone;
} // namespace simgrid::s4u

namespace fleetsim {

class ClusterState;
struct LinkSpec;

struct Platform {
  simgrid::s4u::NetZone* zone = nullptr;
  std::vector<simgrid::s4u::Host*> node_hosts;     ///< by node index
  std::vector<simgrid::s4u::Host*> gpu_hosts;      ///< local GPUs, by flat local GPU index
  std::vector<simgrid::s4u::Host*> chassis_hosts;  ///< pooled GPUs, intra-chassis endpoint
  std::vector<simgrid::s4u::Host*> fabric_hosts;   ///< pooled GPUs, cross-chassis endpoint
  std::size_t links = 0;
};

/// @brief Creates and seals the platform. Requires a live simgrid::s4u::Engine.
Platform build_platform(const ClusterState& cluster, const LinkSpec& links);

} // namespace fleetsim
