#pragma once
// GPU fragmentation as defined by FGD (Weng et al., ATC'23). Given a target workload of task
// shapes m with popularity p_m, a node's fragment F_n = sum_m p_m * f(n, m), in milli-GPU:
//   f(n, m) = all idle GPU milli of n      when m needs no GPU, n's model is not allowed, fewer
//                                           than m.num_gpu GPUs have >= m.gpu_milli free, or the
//                                           free CPU is below m.cpu_milli;
//           = sum of free milli on the GPUs whose free milli is below m.gpu_milli, otherwise.
// Memory is not part of a shape (as in the paper's simulator). Cluster frag_ratio = sum F_n /
// sum idle milli; frag_gpus = sum F_n / 1000.
#include <cstdint>
#include <span>
#include <vector>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"

namespace fleetsim {

/// @brief One task shape of the target workload.
struct TargetShape {
  std::int64_t cpu_milli = 0;
  std::int32_t num_gpu = 0;
  std::int32_t gpu_milli = 0;    ///< per GPU; 0 for a CPU-only shape
  std::uint64_t model_mask = 0;  ///< allowed GPU models; 0 = any
  double weight = 0;             ///< popularity p_m; the weights of a target sum to 1
  std::int64_t count = 0;        ///< tasks of this shape in the source workload (0 when explicit)
};

/// @brief The target workload of the fragmentation measure, with a fast evaluator of F_n.
class FragTarget {
public:
  FragTarget() = default;
  /// @brief Explicit shapes; weights are renormalised to sum to 1. Throws std::invalid_argument
  /// when the list is empty, a weight is negative or not finite, or all weights are 0.
  explicit FragTarget(std::vector<TargetShape> shapes);

  /// @brief The most popular shapes of `jobs` (key: cpu_milli, num_gpu, gpu_milli, model mask;
  /// memory ignored), most popular first (ties: larger cpu, gpu_milli, num_gpu, mask first),
  /// taken until they cover at least `coverage_pct` percent of the jobs counted, then
  /// renormalised. CPU-only jobs count unless `include_cpu_only` is false. This is the paper's
  /// rule: 35 shapes covering 95.26% of the default Alibaba v2023 pod list.
  static FragTarget popular(const std::vector<Job>& jobs, double coverage_pct = 95.0, bool include_cpu_only = true);

  const std::vector<TargetShape>& shapes() const { return shapes_; }
  bool empty() const { return shapes_.empty(); }

  /// @brief F_n in milli-GPU of a node with `cpu_free_milli` free CPU, GPUs with `gpu_free` milli
  /// free each, and GPU model id `gpu_model` (-1 for none).
  double node_fragment(std::int64_t cpu_free_milli, std::span<const std::int32_t> gpu_free, int gpu_model) const;
  /// @brief F_n of node n in its current state.
  double node_fragment(const ClusterState& cluster, int n) const;

private:
  void prepare();

  std::vector<TargetShape> shapes_;
  // Evaluator layout: GPU shapes grouped by (gpu_milli, model_mask); CPU-only weight summed.
  struct Group {
    std::int32_t gpu_milli;
    std::uint64_t model_mask;
    std::uint32_t begin, end;  // into members_
  };
  struct Member {
    std::int64_t cpu_milli;
    std::int32_t num_gpu;
    double weight;
  };
  std::vector<Group> groups_;
  std::vector<Member> members_;
  double cpu_only_weight_ = 0;
};

/// @brief Per-node fragments kept up to date as the cluster changes, with O(1) cluster totals.
class FragTracker {
public:
  /// @brief Computes every node's fragment. `target` must outlive the tracker.
  FragTracker(const FragTarget& target, const ClusterState& cluster);
  /// @brief Recomputes node n (call after allocate/release on it).
  void update(const ClusterState& cluster, int n);
  /// @brief Recomputes every node whose state changed since it was last computed (O(nodes)).
  void sync(const ClusterState& cluster);

  /// @brief F_n of node n as last computed, in milli-GPU.
  double node(int n) const { return frag_[static_cast<std::size_t>(n)]; }
  /// @brief Sum of F_n over the cluster, in milli-GPU.
  double frag_milli() const { return total_; }
  double frag_gpus() const { return total_ / 1000.0; }
  /// @brief Sum F_n / idle GPU milli of `cluster` (0 when no GPU milli is idle).
  double frag_ratio(const ClusterState& cluster) const;

private:
  const FragTarget& target_;
  std::vector<double> frag_;
  std::vector<std::uint64_t> stamp_;
  double total_ = 0;
};

} // namespace fleetsim
