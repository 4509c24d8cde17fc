#pragma once
// The MIG-enabled GPU models of a cluster: the geometry of each (sim/model/mig.hpp) and the
// profile names jobs ask for, interned to small ids.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/model/cluster.hpp"
#include "sim/model/gpu_models.hpp"
#include "sim/model/mig.hpp"

namespace fleetsim {

/// @brief Suffix of the GPU model name under which MIG-enabled GPUs are interned: a MIG-enabled
/// GPU serves only MIG instance requests (as Kubernetes' mixed strategy exposes
/// nvidia.com/mig-<profile> instead of nvidia.com/gpu), so it is a model of its own.
inline constexpr const char* kMigSuffix = " (MIG)";

/// @brief MIG geometries of the cluster's MIG-enabled GPU models and the profile names jobs use.
class MigCatalog {
public:
  /// @brief Registers model id `model` (interned with kMigSuffix) as MIG-enabled with geometry
  /// `g`; `base` is the id of the plain model name (e.g. "A100-40GB").
  void enable(int model, int base, std::shared_ptr<const mig::Geometry> g);
  /// @brief Geometry of model id `model`, nullptr when it is not MIG-enabled.
  const mig::Geometry* geometry(int model) const {
    return model >= 0 && model < GpuModels::kMaxModels ? geo_[static_cast<std::size_t>(model)].get() : nullptr;
  }
  /// @brief Every MIG-enabled model id, as a mask.
  std::uint64_t mig_mask() const { return mig_mask_; }
  bool any() const { return mig_mask_ != 0; }
  /// @brief MIG-enabled model ids whose plain model is in `base_mask` (0: all of them).
  std::uint64_t variants_of(std::uint64_t base_mask) const;
  /// @brief Id of a profile name (interned on first use).
  int intern_profile(const std::string& name);
  std::optional<int> find_profile(const std::string& name) const;
  const std::string& profile_name(int id) const { return profiles_[static_cast<std::size_t>(id)]; }
  /// @brief Index of profile id `profile` in model `model`'s geometry, or -1.
  int profile_index(int model, int profile) const;

private:
  std::array<std::shared_ptr<const mig::Geometry>, GpuModels::kMaxModels> geo_{};
  std::array<int, GpuModels::kMaxModels> base_{};
  std::uint64_t mig_mask_ = 0;
  std::vector<std::string> profiles_;
};

/// @brief True when MIG request `r` would fit node `nd` if it were empty: an allowed model whose
/// geometry has r's profile, enough CPU and memory, and room for r.num_gpu instances.
bool mig_fits_empty(const Node& nd, const MigCatalog& mig, const Request& r);
/// @brief True when `r` could be placed on some empty node of `cluster` whose MIG-enabled models
/// are those of `mig` (ClusterState::could_ever_fit when `r` is not a MIG request).
bool mig_could_ever_fit(const ClusterState& cluster, const MigCatalog& mig, const Request& r);

} // namespace fleetsim
