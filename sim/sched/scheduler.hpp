#pragma once
// The scheduler: pending queue, scheduling passes, job records. Plain C++ (no SimGrid): the
// engine tells it when jobs arrive and finish, and asks it for a pass after each instant.
#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "sim/sched/placement_policy.hpp"
#include "sim/sched/queue_policy.hpp"
#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"
#include "sim/model/job_record.hpp"
#include "sim/model/request_shape.hpp"

namespace fleetsim {

class PartsPlacer;  // sim/sched/gang.hpp

class Scheduler {
public:
  /// @brief `jobs` and `cluster` must outlive the scheduler.
  Scheduler(ClusterState& cluster, const std::vector<Job>& jobs, policies::QueuePolicy& queue,
            policies::PlacementPolicy& placement);

  /// @brief Job j arrives: unplaceable at once when no node could ever hold it, else queued.
  void arrive(int j, double now);
  /// @brief Job j finishes: its resources are released.
  void complete(int j, double now);
  /// @brief Releases part `part` of running job j before the job completes (a disaggregated
  /// stage worker that is done).
  void release_part(int j, int part, double now);
  /// @brief Jobs of several allocations and MIG requests are placed (and released) by `p`
  /// (must outlive the scheduler). Without it, they are placed as their own request.
  void set_parts_placer(PartsPlacer* p) { parts_ = p; }
  /// @brief Offers pending jobs to placement in queue order; appends the jobs it started.
  void schedule(double now, std::vector<int>& started);

  std::size_t queue_length() const { return queued_; }
  std::size_t running() const { return running_; }
  const std::vector<JobRecord>& records() const { return records_; }
  /// @brief Number of placement decisions asked of the policy (for the run info).
  std::uint64_t placement_calls() const { return placement_calls_; }
  /// @brief Nodes allocated on or released since the last clear_touched() (may repeat).
  const std::vector<int>& touched_nodes() const { return touched_; }
  void clear_touched() { touched_.clear(); }
  /// @brief Records how long job j's setup (GPU attachment) takes before its work begins.
  void set_setup(int j, double setup_s) { records_[static_cast<std::size_t>(j)].setup_s = setup_s; }

private:
  struct ByPolicy {
    const Scheduler* s;
    bool operator()(int a, int b) const;
  };
  using Lane = std::set<int, ByPolicy>;  // pending jobs of one shape, in queue order

  /// A job's lane: its request's shape, or for jobs of the parts placer a key of their own
  /// (negative CPU: equal only to jobs with the same parts, dominating nothing).
  RequestShape key_of(const Job& j);
  /// Marks node n as having gained resources (touched, dirty).
  void gained(int n);
  static bool dominates(const RequestShape& big, const RequestShape& small);
  /// True when `k` cannot fit anywhere: it failed at the end of the last pass and none of the
  /// nodes that gained resources since then can hold it now.
  bool still_failing(const RequestShape& k) const;

  ClusterState& cluster_;
  const std::vector<Job>& jobs_;
  policies::QueuePolicy& queue_;
  policies::PlacementPolicy& placement_;
  std::vector<JobRecord> records_;
  std::map<RequestShape, Lane> lanes_;
  std::size_t queued_ = 0, running_ = 0;
  std::uint64_t placement_calls_ = 0;
  std::vector<RequestShape> failed_;       // shapes that fit no node, this pass
  std::vector<RequestShape> failed_prev_;  // shapes that fit no node at the end of the last pass
  std::vector<int> dirty_;             // nodes that gained resources since the last pass
  std::vector<char> is_dirty_;
  std::vector<int> touched_;
  bool pool_released_ = false;  // a pooled GPU was released since the last pass
  PartsPlacer* parts_ = nullptr;
  bool arrived_ = false;  // a job arrived since the last pass
};

} // namespace fleetsim
