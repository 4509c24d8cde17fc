#include "sim/model/gpu_models.hpp"

#include <stdexcept>

namespace fleetsim {

int GpuModels::intern(std::string_view name) {
  if (auto id = find(name)) return *id;
  if (size() >= kMaxModels) throw std::length_error("more than 64 GPU models");
  names_.emplace_back(name);
  return size() - 1;
}

std::optional<int> GpuModels::find(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

} // namespace fleetsim
