#pragma once
// How a policy takes GPUs on the node it chose: the default GPU choice on a node, the
// composition of pooled GPUs on a composable cluster, and MIG instances (the node and the GPU
// for each). Shared by every policy family.
#include <optional>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"
#include "sim/sched/placement_policy.hpp"

namespace fleetsim::policies {

/// @brief Default choice of GPUs on a node that fits `req`: whole GPUs take the lowest-index
/// free GPUs; a shared request takes the GPU with the least free milli that still fits
/// (lowest index on ties). When the node's own GPUs cannot hold the request, pooled GPUs are
/// composed (compose_on_node, pools in index order). A MIG request (req.mig >= 0) takes
/// req.num_gpu instances one by one, each on the GPU that can reuse an idle instance of the
/// profile, else repartitions least (destroys the fewest idle instances), else is the most
/// packed (most compute slices in use), else keeps the most placements possible, else has the
/// lowest index; on that GPU, where mig::GpuLayout::plan puts it. The allocation lists the
/// instances (Allocation::mig) and their charges summed per GPU. Precondition:
/// cluster.fits(node, req).
Allocation allocate_on_node(const ClusterState& cluster, int node, const Request& req);

/// @brief The shared MIG placement of the built-in policies: among the nodes that fit MIG
/// request `req`, with the instances each would take (allocate_on_node), the one reusing the
/// most idle instances, then destroying the fewest, then taking them on the most packed GPUs
/// (summed compute slices in use), then the lowest index. nullopt when no node fits (or `req`
/// is not a MIG request, or MIG is not enabled on the cluster).
std::optional<Allocation> place_mig(const ClusterState& cluster, const Request& req);

/// @brief Base of every built-in placement policy: its place() sends MIG instance requests
/// (req.mig >= 0) to place_mig and every other request to the policy's own place_request().
/// A placement policy that derives from PlacementPolicy directly receives MIG requests in
/// place() like any other request and may choose differently (another node, other GPUs or
/// slots): its answer is checked like any other (check_answer, ClusterState::allocate).
class BuiltinPlacement : public PlacementPolicy {
public:
  std::optional<Allocation> place(const Job& job, const ClusterState& cluster) final {
    if (job.req.mig >= 0) return place_mig(cluster, job.req);
    return place_request(job, cluster);
  }

protected:
  /// @brief The policy's own placement of a request that is not a MIG request.
  virtual std::optional<Allocation> place_request(const Job& job, const ClusterState& cluster) = 0;
};

/// @brief Order in which a composition takes GPUs from the reachable pools.
enum class PoolOrder {
  index,     ///< pools in index order
  fullest,   ///< pools with the fewest idle GPUs first (packs chassis, keeps others whole)
  locality,  ///< the pools of GPUs already attached to the node first, then the pool that can
             ///< supply the most (keeps a job's GPUs in one chassis)
};

/// @brief Pooled GPUs for `req` on node n: first GPUs already attached to n with enough free
/// milli (tightest first for a shared request), then idle unattached GPUs, then idle GPUs
/// attached to other servers (re-composition), taking pools in `order` (lowest GPU index within a
/// pool). Precondition: cluster.pool_gpus_available(n, ...) >= req.num_gpu.
Allocation compose_on_node(const ClusterState& cluster, int node, const Request& req, PoolOrder order);

} // namespace fleetsim::policies
