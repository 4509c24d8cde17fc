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
/// (lowest index on ties). Precondition: cluster.fits(node, req).
Allocation allocate_on_node(const ClusterState& cluster, int node, const Request& req);

} // namespace fleetsim::policies
