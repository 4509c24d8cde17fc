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
  /// @brief True when `j` could be placed as a whole on the empty cluster: could_ever_fit, and
  /// for a job of several parts, place() with `policy` on an empty copy of the cluster (the
  /// cluster as it was when the placer was made, when nothing was allocated; cached per
  /// signature). Without such a copy, could_ever_fit alone.
  bool can_ever_place(const Job& j, policies::PlacementPolicy& policy);
  /// @brief A small id equal for jobs with the same list of parts (their scheduling lane).
  std::uint32_t signature(const Job& j);

  /// @brief Places every part of job `job`, MIG instance requests included, through `policy`;
  /// checks each answer (check_answer) and applies it to `cluster`. The parts of a multi-node
  /// gang (JobWork::distinct_nodes) go to distinct nodes: when the policy picks a node the gang
  /// already holds, it is asked again on a view of the cluster where the gang's nodes are full.
  /// First the parts in their own order, each applied as it is placed (today's layouts); when one
  /// fails, those are undone and a search runs on copies of the cluster: most constrained parts
  /// first (GPU before CPU-only, larger before smaller), backtracking over each part's node (the
  /// nodes the policy picks in turn, the ones tried made full), at most search_budget() policy
  /// calls; the layout it finds is applied. nullopt when none is found (nothing left applied).
  /// Throws std::logic_error when the policy returns a wrong allocation, after undoing the parts
  /// already applied.
  std::optional<std::vector<Allocation>> place(int job, const Job& j, ClusterState& cluster,
                                               policies::PlacementPolicy& policy);
  /// @brief Nodes the last successful place() detached pooled GPUs from (may repeat): they
  /// changed too (the scheduler marks them touched, as for a one-part job).
  const std::vector<int>& detached_from() const { return detached_; }
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

  /// @brief The most policy calls one search makes: kMaxSearchCalls, fewer on large clusters
  /// (each call copies the cluster: at most kMaxSearchNodeCopies node copies in all, and at
  /// least 16 calls).
  static constexpr std::uint64_t kMaxSearchCalls = 1024;
  static constexpr std::uint64_t kMaxSearchNodeCopies = std::uint64_t{1} << 22;

private:
  /// The policy's node for part `p` (request `r`) on `state`, the nodes in `exclude` made full
  /// (a view); nullopt when it places nothing or only on an excluded node. Checked (check_answer).
  std::optional<Allocation> ask(const Job& j, const Request& r, std::size_t p, const ClusterState& state,
                                const std::vector<int>& exclude, policies::PlacementPolicy& policy);
  /// Depth-first search placing parts order[d..] on `state` (a copy); fills out[part].
  bool search(const Job& j, const std::vector<std::size_t>& order, std::size_t d, const ClusterState& state,
              std::vector<int>& used, std::vector<Allocation>& out, policies::PlacementPolicy& policy);

  /// Applies `a` to `cluster`, noting the nodes its attachments detach pooled GPUs from.
  void apply(const Allocation& a, ClusterState& cluster);
  /// `r` presented to a placement policy as a job of its own (id, kind, times from `j`).
  const Job& as_job(const Job& j, const Request& r);

  const ClusterState& cluster_;
  policies::PlacementPolicy* policy_;
  std::map<std::vector<RequestShape>, std::uint32_t> signatures_;  // the shapes of a job's parts -> id
  Job scratch_;  // a part presented to the placement policy as a job of its own
  std::optional<ClusterState> empty_;              // the cluster before anything was allocated
  std::unordered_map<std::uint32_t, bool> ever_;   // signature -> can_ever_place
  std::vector<int> detached_;  // see detached_from
  std::uint64_t calls_ = 0;   // policy calls of the current search
  std::uint64_t budget_ = 0;  // its limit
};

} // namespace fleetsim
