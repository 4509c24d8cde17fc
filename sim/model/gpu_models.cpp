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

std::uint64_t GpuModels::mask_of(std::string_view list, std::string_view* unknown) const {
  std::uint64_t mask = 0;
  *unknown = {};
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find('|', start);
    if (end == std::string_view::npos) end = list.size();
    const auto name = list.substr(start, end - start);
    if (!name.empty()) {
      const auto id = find(name);
      if (!id) {
        *unknown = name;
        return 0;
      }
      mask |= std::uint64_t{1} << *id;
    }
    start = end + 1;
  }
  return mask;
}

std::string GpuModels::listed() const {
  std::string known;
  for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
  return known.empty() ? std::string("no GPUs") : known;
}

} // namespace fleetsim
