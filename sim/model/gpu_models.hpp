#pragma once
// GPU model names interned to small ids so a job's allowed models are one 64-bit mask.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

/// @brief The one GPU-model match: true when a request's allowed-model mask (bit i = model id i;
/// 0 = any model) admits a GPU of model id `model` (-1 = no GPU: never admitted).
inline bool model_matches(std::uint64_t mask, int model) {
  if (model < 0 || model >= 64) return false;
  return mask == 0 || ((mask >> model) & 1u) != 0;
}

class GpuModels {
public:
  static constexpr int kMaxModels = 64;

  /// @brief Id of `name`, adding it when new. Throws std::length_error past kMaxModels.
  int intern(std::string_view name);
  /// @brief Id of a known model, or nullopt.
  std::optional<int> find(std::string_view name) const;
  const std::string& name(int id) const { return names_[static_cast<std::size_t>(id)]; }
  int size() const { return static_cast<int>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }
  /// @brief The mask of a '|'-separated list of model names (empty names skipped). When a name
  /// is not known, returns 0 and sets `*unknown` to it (left empty otherwise).
  std::uint64_t mask_of(std::string_view list, std::string_view* unknown) const;
  /// @brief Every model name, ", "-separated ("no GPUs" when there is none), for messages.
  std::string listed() const;

private:
  std::vector<std::string> names_;
};

} // namespace fleetsim
