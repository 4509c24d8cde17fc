#pragma once
// Jobs that one placement call cannot place: gangs of several allocations (disaggregated
// pipeline workers, multi-node training) and MIG instances. The scheduler hands them to a
// PartsPlacer, which places every part or none (all-or-nothing, like a Ray placement group),
// applying each part to the cluster as it goes. Plain C++, no SimGrid.
#include <cstdint>
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

namespace fleetsim {

class PartsPlacer {
public:
  /// @brief `mig` (optional) describes the MIG-enabled GPU models; both must outlive the placer.
  PartsPlacer(const ClusterState& cluster, const MigCatalog* mig);

  /// @brief True when `j` needs this placer: several parts, or a MIG instance request.
  static bool special(const Job& j);
  /// @brief The allocations `j` asks for (its own request when it has no parts).
  static const std::vector<Request>& parts(const Job& j);

  /// @brief True when every part could be placed on the empty cluster (each on its own).
  bool could_ever_fit(const Job& j) const;
  /// @brief A small id equal for jobs with the same list of parts (their scheduling lane).
  std::uint32_t signature(const Job& j);

  /// @brief Places every part of job `job`: ordinary parts through `policy`, MIG parts by the
  /// MIG packer. Applies them to `cluster` as it goes; when one part cannot be placed, undoes
  /// the others and returns nullopt. Throws std::logic_error when the policy returns a wrong
  /// allocation.
  std::optional<std::vector<Allocation>> place(int job, const Job& j, ClusterState& cluster,
                                               policies::PlacementPolicy& policy);
  /// @brief Releases part `part` (allocation `a`) of job `job`: cluster resources and MIG instances.
  void release(int job, int part, const Allocation& a, ClusterState& cluster);
  /// @brief Milli of each GPU device of part `part` (a GPU share, a pooled share, or a MIG
  /// instance), in allocation order.
  std::vector<std::int32_t> devices(int job, int part, const Allocation& a) const;

  /// @brief A MIG placement for `r` on the current state, without applying it: the node, and the
  /// (GPU, profile index, start) of each instance. Public for tests.
  struct MigSlice {
    std::int32_t gpu;  ///< local GPU index on the node
    std::int16_t profile;
    std::int16_t start;
  };
  struct MigChoice {
    Allocation alloc;
    std::vector<MigSlice> slices;
  };
  std::optional<MigChoice> find_mig(const ClusterState& cluster, const Request& r) const;

  /// @brief Layout of the MIG-enabled GPU with flat index g (node.gpu_begin + local index).
  const mig::GpuLayout& layout(int g) const { return layouts_[static_cast<std::size_t>(g)]; }
  std::uint64_t instances_created() const { return created_; }
  std::uint64_t instances_destroyed() const { return destroyed_; }
  std::uint64_t instances_reused() const { return reused_; }
  int mig_gpus() const { return mig_gpus_; }

private:
  void apply_mig(const ClusterState& cluster, const MigChoice& c);
  static std::uint64_t key(int job, int part) { return (std::uint64_t(std::uint32_t(job)) << 20) | std::uint32_t(part); }

  const ClusterState& cluster_;
  const MigCatalog* mig_;
  std::vector<mig::GpuLayout> layouts_;  // per local GPU (flat index)
  std::unordered_map<std::uint64_t, std::vector<MigSlice>> slices_;  // (job, part) -> its instances
  std::unordered_map<std::string, std::uint32_t> signatures_;  // parts, as bytes -> id
  Job scratch_;  // a part presented to the placement policy as a job of its own
  std::uint64_t created_ = 0, destroyed_ = 0, reused_ = 0;
  int mig_gpus_ = 0;
};

} // namespace fleetsim
