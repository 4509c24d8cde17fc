#pragma once
// Placement policies: for one job, choose a node and the GPUs on it, or say it cannot be
// placed now. A policy never mutates the cluster; the scheduler applies and checks its answer.
#include <optional>
#include <string_view>

#include "sim/cluster.hpp"
#include "sim/job.hpp"

namespace fleetsim::policies {

class PlacementPolicy {
public:
  virtual ~PlacementPolicy() = default;
  virtual std::string_view name() const = 0;
  /// @brief The allocation for `job` on the current state, or nullopt when no node fits.
  /// Must find a placement whenever some node fits (the scheduler relies on it).
  virtual std::optional<Allocation> place(const Job& job, const ClusterState& cluster) = 0;
};

/// @brief Default choice of GPUs on a node that fits `req`: whole GPUs take the lowest-index
/// free GPUs; a shared request takes the GPU with the least free milli that still fits
/// (lowest index on ties). When the node's own GPUs cannot hold the request, pooled GPUs are
/// composed (compose_on_node, pools in index order). Precondition: cluster.fits(node, req).
Allocation allocate_on_node(const ClusterState& cluster, int node, const Request& req);

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
