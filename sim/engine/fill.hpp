#pragma once
// The fill experiment of the FGD paper (Weng et al., ATC'23, section 6): pods are submitted one
// at a time to an empty cluster, with no departures; each is placed at once or fails for good.
// The workload is the pod list in a seeded order followed by pods sampled from it with
// replacement until the total GPU request reaches `ratio` x the cluster's GPU capacity.
// Curves are indexed by the GPU request arrived so far, in percent of capacity.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "sim/sched/placement_policy.hpp"
#include "sim/model/cluster.hpp"
#include "sim/measure/fragmentation.hpp"
#include "sim/model/job.hpp"

namespace fleetsim {

struct FillOptions {
  double ratio = 1.3;       ///< stop sampling at this multiple of the cluster's GPU capacity
  std::uint64_t seed = 42;  ///< order and sampling; policies get their own streams of it
  bool shuffle = true;      ///< shuffle the original pods (the paper does); false keeps their order
};

/// @brief One point of the fill curve: the mean over the pod events whose arrived GPU request,
/// in percent of capacity rounded half to even, equals `arrived_pct` (the k-1..k+1 events when
/// none does), each event's allocation first rounded to 2 decimals, the mean rounded to 2
/// decimals: how the paper's published curves are computed.
struct FillPoint {
  int arrived_pct = 0;
  double gpu_alloc_pct = 0;   ///< allocated GPU milli / capacity x 100
  double frag_ratio_pct = 0;  ///< sum F_n / idle GPU milli x 100
  double frag_gpus = 0;       ///< sum F_n / 1000
};

/// @brief What happened to one submitted pod (for observers: time series, per-job records).
struct FillEvent {
  std::size_t index = 0;             ///< position in the sequence
  const Job* job = nullptr;
  const Allocation* alloc = nullptr;  ///< null when the pod failed
  bool never_fits = false;           ///< failed because no node could hold it even when empty
  std::int64_t arrived_gpu_milli = 0;  ///< GPU request submitted so far, this pod included
  std::int64_t alloc_gpu_milli = 0;    ///< allocated after this pod
  double frag_milli = 0;               ///< sum F_n after this pod
  double frag_ratio = 0;               ///< sum F_n / idle milli after this pod (0..1)
};

struct FillResult {
  std::vector<FillPoint> curve;    ///< arrived_pct 0, 1, ... up to the last event's
  std::optional<FillPoint> at_100; ///< the curve's point at 100% (absent when never reached)
  std::int64_t pods = 0;           ///< pods submitted (originals + sampled)
  std::int64_t sampled = 0;        ///< of which sampled with replacement
  std::int64_t failed = 0;         ///< pods that could not be placed, over the whole run
  std::int64_t failed_by_100 = 0;  ///< of which submitted while arrived <= 100% of capacity
  std::int64_t never_fit = 0;      ///< failed pods that no node could hold even when empty
  std::int64_t capacity_gpu_milli = 0;
  std::int64_t arrived_gpu_milli = 0;  ///< at the end
  std::int64_t alloc_gpu_milli = 0;    ///< at the end
  double frag_ratio = 0;               ///< at the end (0..1)
  double frag_gpus = 0;                ///< at the end
};

/// @brief The fill workload: `pods` ordered by id, shuffled by the seed (unless options.shuffle
/// is false), then pods drawn uniformly with replacement from the id-ordered list and appended
/// (as copies with id "<id>~<k>") until a drawn pod's per-GPU milli would take the total GPU
/// request past ratio x capacity (the paper's rule; that pod is not added).
std::vector<Job> fill_sequence(const std::vector<Job>& pods, std::int64_t capacity_gpu_milli,
                               const FillOptions& options);

/// @brief Submits `sequence` in order to `cluster` (left filled) through `policy`, measuring
/// fragmentation against `target` (a policy that scores fragmentation, like fgd, got its own
/// target at construction: policies::PolicyContext). `on_event` (optional) sees every pod after its placement.
FillResult simulate_fill(ClusterState& cluster, const std::vector<Job>& sequence, policies::PlacementPolicy& policy,
                         const FragTarget& target, const std::function<void(const FillEvent&)>& on_event = {});

/// @brief fill_sequence + simulate_fill: one fill run (one policy, one seed). `sampled` in the
/// result counts the appended copies.
FillResult run_fill(ClusterState& cluster, const std::vector<Job>& pods, policies::PlacementPolicy& policy,
                    const FragTarget& target, const FillOptions& options,
                    const std::function<void(const FillEvent&)>& on_event = {});

} // namespace fleetsim
