#pragma once
// Placement policies: for one job, choose a node and the GPUs on it, or say it cannot be
// placed now. A policy never mutates the cluster; the scheduler applies and checks its answer.
#include <optional>
#include <string_view>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"

namespace fleetsim::policies {

class PlacementPolicy {
public:
  virtual ~PlacementPolicy() = default;
  virtual std::string_view name() const = 0;
  /// @brief The allocation for `job` on the current state, or nullopt when no node fits.
  /// Must find a placement whenever some node fits (the scheduler relies on it). MIG instance
  /// requests (job.req.mig >= 0) come here like any other request: the answer lists num_gpu
  /// instances of the profile (Allocation::mig), wherever the policy chooses; the built-in
  /// policies share one rule for them (policies::BuiltinPlacement, policies/allocate.hpp).
  virtual std::optional<Allocation> place(const Job& job, const ClusterState& cluster) = 0;
};

} // namespace fleetsim::policies
