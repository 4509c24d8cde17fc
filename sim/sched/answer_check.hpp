#pragma once
// The one check of a placement policy's answer, used wherever a policy places something (the
// scheduler, gang placement, the fill loop): an answer that does not match the request is a
// policy bug, reported as std::logic_error (exit 3), never applied silently.
#include <string>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"
#include "sim/sched/placement_policy.hpp"

namespace fleetsim {

/// @brief Throws std::logic_error naming `policy` and `what` (e.g. "job j7", "part 2 of job j7")
/// unless `a` is on an existing node, holds exactly the request's CPU and memory, exactly
/// num_gpu GPUs (local and pooled) of gpu_milli each, every one of a model the request allows,
/// attaches only pooled GPUs it holds, holds MIG instances only for a MIG request, and for a
/// MIG request holds num_gpu instances (Allocation::mig) of the requested profile on the
/// MIG-enabled GPUs of an allowed model, each GPU's share the sum of its instances' charges.
/// Does not check free capacity or MIG slots: ClusterState::allocate does, atomically.
void check_answer(const policies::PlacementPolicy& policy, const Request& req, const Allocation& a,
                  const ClusterState& cluster, const std::string& what);

} // namespace fleetsim
