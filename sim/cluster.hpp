#pragma once
// Cluster state: capacity and free resources of every node and GPU, in exact integer units
// (milli-cores, MiB, milli-GPU). Plain C++, no SimGrid: policies read it through const
// references and the scheduler applies their decisions with allocate()/release().
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/job.hpp"
#include "sim/models.hpp"

namespace fleetsim {

struct ClusterSpec;

/// @brief One server. GPUs are stored flat in the cluster; this node owns
/// [gpu_begin, gpu_begin + gpu_count).
struct Node {
  std::string name;
  int type = 0;               ///< index of its node type in the scenario
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  int gpu_model = -1;         ///< model id, -1 when the node has no GPU
  int gpu_begin = 0;
  int gpu_count = 0;
};

/// @brief A share of one GPU of the allocation's node: local GPU index and milli-GPU taken.
struct GpuShare {
  std::int32_t gpu = 0;
  std::int32_t milli = 0;
  bool operator==(const GpuShare&) const = default;
};

/// @brief Everything one job holds: a node, CPU and memory on it, and shares of its GPUs.
struct Allocation {
  std::int32_t node = -1;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::vector<GpuShare> gpus;

  std::int64_t total_gpu_milli() const;
  bool operator==(const Allocation&) const = default;
};

class ClusterState {
public:
  /// @brief Builds the nodes of every type in order, naming them "<type>-<i>"; interns GPU
  /// model names into `models`.
  static ClusterState from_spec(const ClusterSpec& spec, GpuModels& models);
  /// @brief Adds one node (used by importers and tests). Returns its index.
  int add_node(std::string name, int type, std::int64_t cpu_milli, std::int64_t memory_mib,
               int gpu_count, int gpu_model);

  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  int num_gpus() const { return static_cast<int>(gpu_free_.size()); }
  const Node& node(int n) const { return nodes_[static_cast<std::size_t>(n)]; }
  const std::vector<Node>& nodes() const { return nodes_; }

  std::int64_t total_cpu_milli() const { return total_cpu_; }
  std::int64_t total_memory_mib() const { return total_mem_; }
  std::int64_t total_gpu_milli() const { return std::int64_t(num_gpus()) * 1000; }

  std::int64_t alloc_cpu_milli() const { return alloc_cpu_; }
  std::int64_t alloc_memory_mib() const { return alloc_mem_; }
  std::int64_t alloc_gpu_milli() const { return alloc_gpu_; }
  /// @brief GPUs with no share allocated, cluster-wide.
  int free_whole_gpus() const { return free_whole_total_; }

  std::int64_t free_cpu_milli(int n) const { return cpu_free_[static_cast<std::size_t>(n)]; }
  std::int64_t free_memory_mib(int n) const { return mem_free_[static_cast<std::size_t>(n)]; }
  /// @brief Free milli of each GPU of node n, by local index.
  std::span<const std::int32_t> gpu_free(int n) const {
    const Node& nd = node(n);
    return {gpu_free_.data() + nd.gpu_begin, static_cast<std::size_t>(nd.gpu_count)};
  }
  /// @brief Number of GPUs of node n with nothing allocated.
  int free_whole_gpus(int n) const { return free_whole_[static_cast<std::size_t>(n)]; }
  /// @brief Sum of free milli over node n's GPUs.
  std::int64_t free_gpu_milli(int n) const { return gpu_free_sum_[static_cast<std::size_t>(n)]; }

  /// @brief A value that changes whenever node n's free resources change. Stamps come from one
  /// process-wide counter, so equal stamps mean equal node state even across copies of the
  /// cluster (policies and metrics key per-node caches on it).
  std::uint64_t node_stamp(int n) const { return stamp_[static_cast<std::size_t>(n)]; }
  /// @brief Allocations on node n that hold GPUs, by kind: [0] counts allocations sharing one
  /// GPU (a single share below 1000 milli), [k] for k >= 1 counts allocations of k GPUs.
  /// Size gpu_count + 1. (GPU-clustering placement reads it.)
  std::span<const std::int32_t> gpu_alloc_kinds(int n) const {
    const Node& nd = node(n);
    return {kinds_.data() + nd.gpu_begin + n, static_cast<std::size_t>(nd.gpu_count) + 1};
  }

  /// @brief True when node n's model is allowed by the mask (0 = any model).
  bool model_allowed(int n, std::uint64_t model_mask) const;
  /// @brief True when `req` fits node n's free resources right now.
  bool fits(int n, const Request& req) const;
  /// @brief True when `req` would fit node n if it were empty.
  bool fits_empty(int n, const Request& req) const;
  /// @brief True when some node could hold `req` if the cluster were empty.
  bool could_ever_fit(const Request& req) const;

  /// @brief Applies an allocation. Throws std::logic_error on over-allocation or a bad node
  /// or GPU index (a policy bug), leaving the state unchanged.
  void allocate(const Allocation& a);
  /// @brief Returns an allocation's resources. Throws std::logic_error when more would be free
  /// than the capacity (double release), leaving the state unchanged.
  void release(const Allocation& a);

  /// @brief Recomputes every aggregate from the per-node state and checks bounds; throws
  /// std::logic_error describing the first violation.
  void check_invariants() const;
  /// @brief True when nothing is allocated anywhere.
  bool empty() const;

private:
  void validate(const Allocation& a, bool releasing) const;

  std::vector<Node> nodes_;
  std::vector<std::int64_t> cpu_free_, mem_free_;
  std::vector<std::int32_t> gpu_free_;        // flat, per GPU
  std::vector<std::int32_t> free_whole_;      // per node
  std::vector<std::int64_t> gpu_free_sum_;    // per node
  std::int64_t total_cpu_ = 0, total_mem_ = 0;
  std::int64_t alloc_cpu_ = 0, alloc_mem_ = 0, alloc_gpu_ = 0;
  int free_whole_total_ = 0;
  std::vector<std::uint64_t> stamp_;         // per node, see node_stamp()
  std::vector<std::int32_t> kinds_;          // per node, gpu_count + 1 slots from gpu_begin + n
  static std::uint64_t next_stamp();
  /// Slot of gpu_alloc_kinds() that `a` counts in, or -1 when it holds no GPU.
  static int alloc_kind(const Allocation& a);
  // Distinct empty-node shapes, for could_ever_fit without a scan of every node.
  struct Shape {
    std::int64_t cpu_milli, memory_mib;
    int gpu_count, gpu_model;
  };
  std::vector<Shape> shapes_;
};

} // namespace fleetsim
