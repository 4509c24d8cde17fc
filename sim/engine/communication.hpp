#pragma once
// The communication model on SimGrid: a communicating job's ring all-reduce as one SimGrid Comm
// per ring edge, from each of its GPUs to the next, over the platform's hosts (sim/engine/
// platform.hpp), so its transfers cross the links they would on the hardware and share them
// with other jobs' transfers (max-min fairness). The bytes per flow come from
// sim/work/collectives.hpp; when every flow of a job is done, the model tells its owner (the
// driver), which then runs the job's compute time.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simgrid/s4u/Comm.hpp>

#include "sim/engine/platform.hpp"
#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"

namespace fleetsim {

class CommunicationModel {
public:
  /// Called, inside SimGrid's completion callback, when the last flow of `job` is done.
  using FlowsDone = std::function<void(int job)>;

  /// @brief Registers a completion callback with SimGrid: one model per engine, built before
  /// the engine runs. `cluster` and `platform` must outlive the run.
  CommunicationModel(const ClusterState& cluster, const Platform& platform, std::size_t jobs, FlowsDone done);
  CommunicationModel(const CommunicationModel&) = delete;
  CommunicationModel& operator=(const CommunicationModel&) = delete;

  /// @brief Starts job `job`'s ring all-reduce of all the steps of `profile` among the GPUs
  /// of `alloc`, one Comm per ring edge in GPU order. Returns false, starting nothing, when
  /// there is nothing to exchange (fewer than two GPUs, or no bytes).
  bool start(int job, const Allocation& alloc, const CommProfile& profile);
  /// @brief Drops the Comms that completed since the last call. Call it once their completion
  /// callbacks have returned (at the next timer).
  void release_finished() { finished_flows_.clear(); }
  /// @brief SimGrid transfers started so far.
  std::uint64_t flows() const { return flows_started_; }

private:
  std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*> ring_edge(const Allocation& a, int i, int k) const;
  void on_flow_done(const simgrid::s4u::Activity& a);

  const ClusterState& cluster_;
  const Platform& platform_;
  FlowsDone done_;
  std::vector<int> pending_flows_;  // per job: flows still running
  std::unordered_map<const simgrid::s4u::Activity*, simgrid::s4u::CommPtr> running_flows_;
  std::vector<simgrid::s4u::CommPtr> finished_flows_;
  std::uint64_t flows_started_ = 0;
};

} // namespace fleetsim
