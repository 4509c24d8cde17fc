#pragma once
// MIG (NVIDIA Multi-Instance GPU): the slice profiles of a GPU model and the placement rules of
// real MIG geometry, and the per-GPU layout of instances. Plain C++, no SimGrid.
//
// The model (NVIDIA MIG user guide, "Supported MIG Profiles", and `nvidia-smi mig -lgipp`):
// a GPU has `memory_slices` memory slices (8 on A100/H100/H200, 4 on A30) and `compute_slices`
// compute slices (7, or 4 on A30). A profile "kg.Ngb" takes k compute slices and spans a fixed
// number of memory slices starting at one of its allowed start slots, e.g. on A100-40GB
// 1g.5gb {0..6}:1, 1g.10gb {0,2,4,6}:2, 2g.10gb {0,2,4}:2, 3g.20gb {0,4}:4, 4g.20gb {0}:4,
// 7g.40gb {0}:8. A profile placed at memory slot s uses compute slices
// [min(s, compute_slices - k), + k). Two instances conflict when their memory or compute slices
// overlap. Profiles with media extensions ("+me") take all of the GPU's media engines: at most
// one such instance per GPU.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim::mig {

inline constexpr int kMaxSlices = 16;

/// @brief One GPU-instance profile, e.g. 3g.20gb.
struct Profile {
  std::string name;             ///< "3g.20gb"
  int compute_slices = 1;       ///< the k of "kg"
  int memory_slices = 1;        ///< memory slices the instance spans (its placement size)
  std::vector<int> starts;      ///< allowed first memory slice
  std::int64_t memory_mib = 0;  ///< memory of the instance (the name's nominal GB)
  int max_instances = 0;        ///< per GPU; 0 = as many as the geometry allows
  bool media_extensions = false;  ///< "+me": at most one such instance per GPU
};

/// @brief The MIG geometry of one GPU model.
struct Geometry {
  std::string model;
  int memory_slices = 8;
  int compute_slices = 7;
  std::vector<Profile> profiles;

  /// @brief Index of the profile named `name`, or -1.
  int find(std::string_view name) const;
  /// @brief Memory-slice bitmask of profile p placed at `start`.
  std::uint32_t memory_mask(int p, int start) const;
  /// @brief Compute-slice bitmask of profile p placed at `start`.
  std::uint32_t compute_mask(int p, int start) const;
  /// @brief Milli-GPU an instance of profile p at `start` is charged: the compute slices it
  /// covers, slice u weighing floor((u+1)*1000/C) - floor(u*1000/C), so all C slices are exactly
  /// 1000 (on 7-slice GPUs slice 0 weighs 142 and the others 143).
  std::int32_t milli(int p, int start) const;
  /// @brief Nominal milli of profile p: round(k * 1000 / C).
  std::int32_t nominal_milli(int p) const;
  /// @brief Throws std::invalid_argument naming the first inconsistency (slots out of range,
  /// duplicate names, a start that overflows the GPU).
  void check() const;
  /// @brief Profile names, comma-separated, in table order.
  std::string profile_list() const;
};

/// @brief Built-in geometry of `model` (A30-24GB, A100-40GB, A100-80GB, H100-80GB, H100-94GB,
/// H200-141GB and the aliases A30, A100, A100-SXM4-40GB, A100-PCIE-40GB, A100-SXM4-80GB,
/// A100-PCIE-80GB, H100, H100-SXM5-80GB, H100-NVL, H200), or nullptr.
const Geometry* builtin(std::string_view model);
/// @brief The canonical built-in model names.
std::vector<std::string> builtin_models();

/// @brief One GPU instance of a MIG-enabled GPU.
struct Instance {
  std::int8_t profile = -1;
  std::int8_t start = 0;
  bool used = false;  ///< a job holds it; idle instances stay until a placement needs their slices
};

/// @brief Where a new slice of a profile goes on one GPU, and what that costs.
struct Plan {
  int start = -1;
  bool reuse = false;             ///< an idle instance of the profile already sits there
  int destroyed = 0;              ///< idle instances that must be destroyed first (repartition)
  int options_left = 0;           ///< (profile, start) placements still possible afterwards
};

/// @brief The instances of one MIG-enabled GPU. A new slice may only take slices that no
/// instance in use overlaps; idle instances in its way are destroyed (the GPU is repartitioned
/// only where it is empty of conflicting slices).
class GpuLayout {
public:
  /// @brief The best place for one more instance of profile p, or nullopt when none: reuse an
  /// idle instance of p first, then the start destroying the fewest idle instances, then the one
  /// leaving the most placements possible, then the lowest start.
  std::optional<Plan> plan(const Geometry& g, int p) const;
  /// @brief The plan for one more instance of profile p at `start` exactly (reusing an idle
  /// instance of p there, else destroying the idle instances in its way), or nullopt when the
  /// start is not allowed for p or the instance cannot go there now.
  std::optional<Plan> plan_at(const Geometry& g, int p, int start) const;
  /// @brief Takes profile p at plan.start (as planned on this layout). Returns the instances
  /// destroyed.
  int apply(const Geometry& g, int p, const Plan& plan);
  /// @brief Releases the used instance of profile p at `start`; it stays as an idle instance.
  /// Throws std::logic_error when there is no such instance in use.
  void release(const Geometry& g, int p, int start);

  std::uint32_t used_memory_mask() const { return used_mem_; }
  int used_compute_slices() const;
  int used_instances() const;
  const std::vector<Instance>& instances() const { return inst_; }
  bool empty() const { return used_mem_ == 0; }

private:
  void release(int p, int start);
  bool fits(const Geometry& g, int p, int start, int* destroyed) const;
  std::vector<Instance> inst_;
  std::uint32_t used_mem_ = 0, used_cmp_ = 0;
};

/// @brief Number of (profile, start) placements of `g` that fit in the free slices.
int placements_possible(const Geometry& g, std::uint32_t used_memory, std::uint32_t used_compute);

/// @brief Checks a whole layout, as (profile index, start) pairs: every start allowed for its
/// profile, no two instances overlapping in memory or compute slices, instance limits kept.
/// Returns an empty string when valid, else why not (e.g. "3g.20gb at slice 2: not an allowed
/// start (allowed: 0, 4)").
std::string layout_error(const Geometry& g, const std::vector<std::pair<int, int>>& slices);

} // namespace fleetsim::mig
