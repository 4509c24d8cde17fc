#pragma once
// The one request-shape key: two requests of equal shape are interchangeable for placement.
// The scheduler keys its lanes on it, gang placement keys a job's list of parts on it, and
// fgd keys its score cache on it (with memory cleared, which its score ignores).
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "sim/model/job.hpp"

namespace fleetsim {

struct RequestShape {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  std::int32_t num_gpu = 0;
  std::int32_t gpu_milli = 0;
  std::uint64_t model_mask = 0;
  std::int16_t mig = -1;

  static RequestShape of(const Request& r) {
    return {r.cpu_milli, r.memory_mib, r.num_gpu, r.gpu_milli, r.model_mask, r.mig};
  }
  Request request() const {
    Request r;
    r.cpu_milli = cpu_milli;
    r.memory_mib = memory_mib;
    r.num_gpu = num_gpu;
    r.gpu_milli = gpu_milli;
    r.model_mask = model_mask;
    r.mig = mig;
    return r;
  }
  auto operator<=>(const RequestShape&) const = default;
};

struct RequestShapeHash {
  std::size_t operator()(const RequestShape& k) const {
    std::uint64_t h = static_cast<std::uint64_t>(k.cpu_milli) * 0x9e3779b97f4a7c15ULL;
    auto mix = [&h](std::uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
    mix(static_cast<std::uint64_t>(k.memory_mib));
    mix(static_cast<std::uint64_t>(k.num_gpu) << 32 | static_cast<std::uint32_t>(k.gpu_milli));
    mix(k.model_mask);
    mix(static_cast<std::uint64_t>(static_cast<std::uint16_t>(k.mig)));
    return static_cast<std::size_t>(h);
  }
};

} // namespace fleetsim
