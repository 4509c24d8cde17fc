#pragma once
// GPU model names interned to small ids so a job's allowed models are one 64-bit mask.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

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

private:
  std::vector<std::string> names_;
};

} // namespace fleetsim
