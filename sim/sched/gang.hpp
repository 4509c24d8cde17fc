#pragma once
// Jobs that one placement call cannot place: gangs of several allocations (disaggregated
// pipeline workers, multi-node training) and MIG instances. The scheduler hands them to a
// PartsPlacer, which places every part or none (all-or-nothing, like a Ray placement group),
// asking the placement policy for each part (a MIG instance request included), checking its
// answer and applying it to the cluster as it goes. MIG layouts are cluster state
// (ClusterState::enable_mig). Plain C++, no SimGrid.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/sched/placement_policy.hpp"
#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"
#include "sim/model/mig.hpp"
#include "sim/model/job_work.hpp"
#include "sim/model/mig_catalog.hpp"
#include "sim/model/request_shape.hpp"

namespace fleetsim {

class PartsPlacer {
public:
  /// @brief A placer for `cluster` (MIG requests need ClusterState::enable_mig first). `policy`
  /// (optional) is the placement policy find_mig asks; both must outlive the placer.
  explicit PartsPlacer(const ClusterState& cluster, policies::PlacementPolicy* policy = nullptr);

  /// @brief True when `j` needs this placer: several parts, or a MIG instance request.
  static bool special(const Job& j);
  /// @brief The allocations `j` asks for (its own request when it has no parts).
  static const std::vector<Request>& parts(const Job& j);

  /// @brief True when every part could be placed on the empty cluster (each on its own).
  bool could_ever_fit(const Job& j) const;
  /// @brief A small id equal for jobs with the same list of parts (their scheduling lane).
  std::uint32_t signature(const Job& j);

  /// @brief Places every part of job `job`, MIG instance requests included, through `policy`;
  /// checks each answer (check_answer) and applies it to `cluster` as it goes. When one part
  /// cannot be placed, undoes the others and returns nullopt. Throws std::logic_error when the
  /// policy returns a wrong allocation, after undoing the parts already applied.
  std::optional<std::vector<Allocation>> place(int job, const Job& j, ClusterState& cluster,
                                               policies::PlacementPolicy& policy);
  /// @brief Releases part `part` (allocation `a`) of job `job`: cluster resources and MIG
  /// instances (ClusterState::release).
  void release(int job, int part, const Allocation& a, ClusterState& cluster);
  /// @brief Milli of each GPU device of part `part` (a GPU share, a pooled share, or a MIG
  /// instance), in allocation order.
  std::vector<std::int32_t> devices(int job, int part, const Allocation& a) const;

  /// @brief The placement the constructor's policy chooses for MIG request `r` on the current
  /// state, without applying it: the allocation, and the (GPU, profile index, start) of each
  /// instance (alloc.mig). nullopt when it places nothing. Throws std::logic_error when the placer
  /// has no policy or the answer is wrong (check_answer). Public for tests.
  using MigSlice = fleetsim::MigSlice;
  struct MigChoice {
    Allocation alloc;
    std::vector<MigSlice> slices;
  };
  std::optional<MigChoice> find_mig(const ClusterState& cluster, const Request& r) const;

  /// @brief Layout of the GPU with flat index g (node.gpu_begin + local index): the cluster's
  /// (ClusterState::mig_layouts), an empty one when the GPU is not MIG-enabled.
  const mig::GpuLayout& layout(int g) const;
  /// @brief The cluster's MIG instance counts (ClusterState::mig_instances_created, ...).
  std::uint64_t instances_created() const { return cluster_.mig_instances_created(); }
  std::uint64_t instances_destroyed() const { return cluster_.mig_instances_destroyed(); }
  std::uint64_t instances_reused() const { return cluster_.mig_instances_reused(); }
  int mig_gpus() const { return cluster_.mig_gpus(); }

private:
  /// `r` presented to a placement policy as a job of its own (id, kind, times from `j`).
  const Job& as_job(const Job& j, const Request& r);

  const ClusterState& cluster_;
  policies::PlacementPolicy* policy_;
  std::map<std::vector<RequestShape>, std::uint32_t> signatures_;  // the shapes of a job's parts -> id
  Job scratch_;  // a part presented to the placement policy as a job of its own
};

} // namespace fleetsim
