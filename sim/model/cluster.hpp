#pragma once
// Cluster state: capacity and free resources of every node and GPU, in exact integer units
// (milli-cores, MiB, milli-GPU), and the MIG instances of MIG-enabled GPUs. Plain C++, no
// SimGrid: policies read it through const references and the scheduler applies their decisions
// with allocate()/release().
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/model/job.hpp"
#include "sim/model/gpu_models.hpp"
#include "sim/model/mig.hpp"

namespace fleetsim {

struct ClusterSpec;
class MigCatalog;  // sim/model/mig_catalog.hpp

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
  int fabric_ports = 0;    ///< composable: most pooled GPUs attached at once (0 = none)
  int fabric_switch = -1;  ///< composable: the fabric switch its ports connect to (-1 = none)
};

/// @brief A GPU chassis of a composable cluster: pooled GPUs that any server whose fabric
/// switch reaches the chassis can attach. Its GPUs are [gpu_begin, gpu_begin + gpu_count) of
/// the pooled-GPU index space.
struct Pool {
  std::string name;
  int type = 0;        ///< index of its pool type in the scenario
  int gpu_model = -1;
  int gpu_begin = 0;
  int gpu_count = 0;
  double uplink_Bps = 63e9;  ///< the chassis uplink to its switches, per direction
};

/// @brief A share of one GPU of the allocation's node: local GPU index and milli-GPU taken.
struct GpuShare {
  std::int32_t gpu = 0;
  std::int32_t milli = 0;
  bool operator==(const GpuShare&) const = default;
};

/// @brief One MIG instance of an allocation: a local GPU of the node, the index of the instance's
/// profile in that GPU model's geometry (mig::Geometry::profiles), and its first memory slice.
struct MigSlice {
  std::int32_t gpu = 0;  ///< local GPU index on the node
  std::int16_t profile = 0;
  std::int16_t start = 0;
  bool operator==(const MigSlice&) const = default;
};

/// @brief Everything one job holds: a node, CPU and memory on it, shares of its local GPUs and,
/// on a composable cluster, shares of pooled GPUs attached to the node. A MIG request holds MIG
/// instances (`mig`) and, in `gpus`, their milli charges (mig::Geometry::milli) summed per GPU.
struct Allocation {
  std::int32_t node = -1;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::vector<GpuShare> gpus;         ///< local GPUs (gpu = index within the node)
  std::vector<GpuShare> pool;         ///< pooled GPUs (gpu = pooled-GPU index)
  std::vector<std::int32_t> attach;   ///< pooled GPUs this allocation attaches to the node first
  std::vector<MigSlice> mig;          ///< MIG instances, in the order they are taken (planned)

  std::int64_t total_gpu_milli() const;
  /// @brief Number of GPUs held, local and pooled.
  int num_gpus() const { return static_cast<int>(gpus.size() + pool.size()); }
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
  /// @brief Every GPU: local and pooled.
  int num_gpus() const { return static_cast<int>(gpu_free_.size() + pgpu_free_.size()); }
  int num_local_gpus() const { return static_cast<int>(gpu_free_.size()); }
  const Node& node(int n) const { return nodes_[static_cast<std::size_t>(n)]; }
  const std::vector<Node>& nodes() const { return nodes_; }

  std::int64_t total_cpu_milli() const { return total_cpu_; }
  /// @brief Largest CPU, memory and local GPU count of any node.
  std::int64_t max_node_cpu_milli() const { return max_cpu_; }
  std::int64_t max_node_memory_mib() const { return max_mem_; }
  int max_node_gpus() const { return max_gpus_; }
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

  // ---- Composable clusters: fabric switches, GPU pools, attachments ----

  /// @brief Adds a fabric switch; returns its id.
  int add_switch(std::string name);
  /// @brief Adds a chassis of `gpu_count` pooled GPUs of `gpu_model`, reachable from the servers
  /// of each switch in `switches`. Returns its index.
  int add_pool(std::string name, int type, int gpu_count, int gpu_model, const std::vector<int>& switches,
               double uplink_Bps = 63e9);
  /// @brief Uplink bandwidth of pool p, bytes/s per direction.
  double pool_uplink_Bps(int p) const { return pool(p).uplink_Bps; }
  /// @brief Connects node n to switch `sw` with `ports` fabric ports.
  void set_fabric(int n, int ports, int sw);

  /// @brief True when the cluster has GPU pools.
  bool composable() const { return !pools_.empty(); }
  int num_switches() const { return static_cast<int>(switch_names_.size()); }
  const std::string& switch_name(int w) const { return switch_names_[static_cast<std::size_t>(w)]; }
  int num_pools() const { return static_cast<int>(pools_.size()); }
  const Pool& pool(int p) const { return pools_[static_cast<std::size_t>(p)]; }
  int num_pool_gpus() const { return static_cast<int>(pgpu_free_.size()); }
  /// @brief Pools reachable from servers on switch w.
  const std::vector<int>& switch_pools(int w) const { return switch_pools_[static_cast<std::size_t>(w)]; }
  /// @brief True when node n's switch reaches pool p.
  bool pool_reachable(int n, int p) const;
  /// @brief Free milli of pooled GPU g.
  std::int32_t pool_gpu_free(int g) const { return pgpu_free_[static_cast<std::size_t>(g)]; }
  /// @brief Node pooled GPU g is attached to, or -1.
  int pool_gpu_attached(int g) const { return pgpu_node_[static_cast<std::size_t>(g)]; }
  /// @brief Pool of pooled GPU g.
  int pool_of(int g) const { return pgpu_pool_[static_cast<std::size_t>(g)]; }
  /// @brief Pooled GPUs attached to node n (in attach order).
  const std::vector<int>& attached_gpus(int n) const { return attached_[static_cast<std::size_t>(n)]; }
  /// @brief Fabric ports of node n not holding an attached GPU.
  int free_ports(int n) const {
    return node(n).fabric_ports - static_cast<int>(attached_gpus(n).size());
  }
  /// @brief Pooled GPUs of pool p that are idle and not attached to any node.
  int pool_unattached(int p) const { return unattached_[static_cast<std::size_t>(p)]; }
  /// @brief Pooled GPUs of pool p attached to some node but idle (can be re-composed).
  int pool_idle_attached(int p) const { return idle_attached_[static_cast<std::size_t>(p)]; }
  /// @brief Whole pooled GPUs node n could use now for a request of `gpu_milli` per GPU on
  /// allowed models: attached ones with enough free milli, plus idle ones it could attach
  /// (unattached or idle elsewhere) within its free ports.
  int pool_gpus_available(int n, std::int32_t gpu_milli, std::uint64_t model_mask) const;

  // ---- MIG: the instances of MIG-enabled GPUs ----

  /// @brief Enables MIG: every local GPU of a model `cat` gives a geometry gets an empty layout
  /// (nodes added later too), MIG requests (Request::mig >= 0) fit only there, and allocations
  /// there hold MIG instances (Allocation::mig). `cat` must outlive the cluster and its copies.
  /// Enabling the same catalog again does nothing; throws std::logic_error when another catalog
  /// is enabled or something is allocated.
  void enable_mig(const MigCatalog* cat);
  /// @brief The enabled MIG catalog, or nullptr.
  const MigCatalog* mig_catalog() const { return mig_; }
  /// @brief MIG geometry of node n's GPUs, nullptr when they are not MIG-enabled.
  const mig::Geometry* mig_geometry(int n) const;
  /// @brief Index in node n's geometry of MIG profile id `profile` (MigCatalog), or -1.
  int mig_profile(int n, int profile) const;
  /// @brief Layouts of node n's GPUs, by local index; empty when they are not MIG-enabled.
  std::span<const mig::GpuLayout> mig_layouts(int n) const {
    const auto i = static_cast<std::size_t>(n);
    if (mig_first_.empty() || mig_first_[i] < 0) return {};
    return {mig_layouts_.data() + mig_first_[i], static_cast<std::size_t>(node(n).gpu_count)};
  }
  /// @brief Number of MIG-enabled GPUs.
  int mig_gpus() const { return static_cast<int>(mig_layouts_.size()); }
  /// @brief MIG instances created, reused (an idle instance of the profile taken as it is) and
  /// destroyed (idle instances repartitioned away) by every allocation so far.
  std::uint64_t mig_instances_created() const { return mig_created_; }
  std::uint64_t mig_instances_reused() const { return mig_reused_; }
  std::uint64_t mig_instances_destroyed() const { return mig_destroyed_; }

  /// @brief True when node n's model is allowed by the mask (0 = any model).
  bool model_allowed(int n, std::uint64_t model_mask) const;
  /// @brief True when `req` fits node n's free resources right now. For a MIG request: CPU and
  /// memory, and room for req.num_gpu instances of its profile in the node's layouts, each GPU
  /// taking instances where mig::GpuLayout::plan puts them.
  bool fits(int n, const Request& req) const;
  /// @brief True when node n's own GPUs can hold `req`'s GPUs (or MIG instances) now (CPU and
  /// memory not checked).
  bool local_gpus_fit(int n, const Request& req) const;
  /// @brief True when `req` would fit node n if it were empty.
  bool fits_empty(int n, const Request& req) const;
  /// @brief True when some node could hold `req` if the cluster were empty.
  bool could_ever_fit(const Request& req) const;

  /// @brief Applies an allocation: attaches its pooled GPUs (detaching idle ones from other
  /// nodes), takes its MIG instances (each a valid plan, mig::GpuLayout::plan_at, on the layout
  /// left by the ones before it: an idle instance reused, or idle instances in its way
  /// destroyed), then takes its shares. Returns how many GPUs it detached from other nodes.
  /// Throws std::logic_error on over-allocation, a bad index, an unreachable pool, too few
  /// ports, or MIG instances that are invalid or do not match the shares (a policy bug),
  /// leaving the state unchanged.
  int allocate(const Allocation& a);
  /// @brief Returns an allocation's resources; pooled GPUs stay attached to the node, released
  /// MIG instances stay as idle instances. Throws std::logic_error when more would be free than
  /// the capacity (double release) or a MIG instance is not in use, leaving the state unchanged.
  void release(const Allocation& a);

  /// @brief Recomputes every aggregate from the per-node state and checks bounds; throws
  /// std::logic_error describing the first violation.
  void check_invariants() const;
  /// @brief True when nothing is allocated anywhere.
  bool empty() const;

private:
  void validate(const Allocation& a, bool releasing) const;
  /// local_gpus_fit for a request that is not a MIG request (the hot path of placement scans).
  bool plain_gpus_fit(int n, const Request& req) const;
  /// Layouts of the GPUs `a`'s MIG instances touch, after taking (or releasing) them, with the
  /// instance counts; throws std::logic_error when an instance is invalid.
  struct MigTrial {
    std::vector<std::pair<std::size_t, mig::GpuLayout>> layouts;  // index in mig_layouts_
    std::uint64_t created = 0, reused = 0, destroyed = 0;
  };
  MigTrial mig_trial(const Allocation& a, bool releasing) const;
  /// Instances of MIG request `req` node n's GPUs can take now, counting up to `need`.
  int mig_room(int n, const Request& req, int need) const;
  /// Most pooled GPUs of allowed models a server on switch `sw` with `ports` ports can attach.
  int pool_capacity(int sw, int ports, std::uint64_t mask) const;

  std::vector<Node> nodes_;
  std::vector<std::int64_t> cpu_free_, mem_free_;
  std::vector<std::int32_t> gpu_free_;        // flat, per GPU
  std::vector<std::int32_t> free_whole_;      // per node
  std::vector<std::int64_t> gpu_free_sum_;    // per node
  std::int64_t total_cpu_ = 0, total_mem_ = 0;
  std::int64_t max_cpu_ = 0, max_mem_ = 0;
  int max_gpus_ = 0;
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
    int gpu_count, gpu_model, fabric_ports, fabric_switch;
  };
  std::vector<Shape> shapes_;
  // Composable state.
  std::vector<std::string> switch_names_;
  std::vector<std::vector<int>> switch_pools_;  // per switch
  std::vector<Pool> pools_;
  std::vector<std::int32_t> pgpu_free_, pgpu_node_, pgpu_pool_;  // per pooled GPU
  std::vector<std::vector<int>> attached_;  // per node
  std::vector<int> unattached_, idle_attached_;  // per pool
  std::vector<std::vector<int>> pool_switches_;  // per pool: the switches that reach it
  std::vector<int> switch_idle_;                 // per switch: idle GPUs of the pools it reaches
  void pool_gpu_set(int g, std::int32_t free, int node);  // keeps the per-pool counts in step
  // MIG state (enable_mig).
  const MigCatalog* mig_ = nullptr;
  std::vector<std::int32_t> mig_first_;       // per node: its first layout in mig_layouts_, or -1
  std::vector<mig::GpuLayout> mig_layouts_;   // per MIG-enabled GPU, node by node
  std::uint64_t mig_created_ = 0, mig_reused_ = 0, mig_destroyed_ = 0;
  void add_mig_layouts(int n);  // gives node n its layouts when its model is MIG-enabled
};

} // namespace fleetsim
