#pragma once
// Stranded GPUs: free whole GPUs that no job of the workload could use where they are, because
// the CPU or memory next to them is gone. A free GPU of a server is stranded when the server's
// free CPU or memory is below every GPU job's per-GPU share (cpu_milli / num_gpu, memory_mib /
// num_gpu). An idle pooled GPU is stranded when no server its pool reaches could take it: none
// can serve a per-GPU share and has a free fabric port (or already holds an idle GPU of it).
// Kept up to date node by node, like the fragmentation tracker. Plain C++, no SimGrid.
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"

namespace fleetsim {

class StrandedTracker {
public:
  /// @brief Reference shares are the Pareto-minimal per-GPU (CPU, memory) of the GPU jobs.
  StrandedTracker(const ClusterState& cluster, const std::vector<Job>& jobs);
  /// @brief Recomputes node n (after allocate/release on it or a detach from it).
  void update(const ClusterState& cluster, int n);
  /// @brief Stranded whole GPUs now, local and pooled.
  int stranded(const ClusterState& cluster) const;
  /// @brief The per-GPU (cpu_milli, memory_mib) shares a free GPU is measured against.
  const std::vector<std::pair<std::int64_t, std::int64_t>>& shares() const { return shares_; }

private:
  bool serves(const ClusterState& c, int n) const;
  std::vector<std::pair<std::int64_t, std::int64_t>> shares_;
  std::vector<int> local_;          // per node: stranded local GPUs
  std::vector<char> able_;          // per node: could take a pooled GPU for a share
  std::vector<int> able_per_switch_;
  std::vector<std::vector<int>> pool_switches_;
  int local_total_ = 0;
};

} // namespace fleetsim
