#pragma once
// How a policy takes GPUs on the node it chose: the default GPU choice on a node, and the
// composition of pooled GPUs on a composable cluster. Shared by every policy family.
#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"

namespace fleetsim::policies {

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
