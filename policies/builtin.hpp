#pragma once
// Internal to policies/: parameter reading and the factories the registry lists.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "policies/placement.hpp"
#include "policies/queue.hpp"

namespace fleetsim::policies {

/// @brief Typed, located access to `policy.params`. Errors name the JSON pointer.
class ParamReader {
public:
  ParamReader(const nlohmann::json& params, std::uint64_t seed) : params_(params), seed_(seed) {}
  bool get_bool(const std::string& key, bool fallback) const;
  /// @brief A finite number >= min.
  double get_number(const std::string& key, double fallback, double min) const;
  std::uint64_t seed() const { return seed_; }

private:
  const nlohmann::json& params_;
  std::uint64_t seed_;
};

std::unique_ptr<QueuePolicy> make_fifo(const ParamReader&);
std::unique_ptr<QueuePolicy> make_fifo_skip(const ParamReader&);
std::unique_ptr<QueuePolicy> make_sjf(const ParamReader&);
std::unique_ptr<QueuePolicy> make_priority(const ParamReader&);

std::unique_ptr<PlacementPolicy> make_first_fit(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_best_fit(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_worst_fit(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_random(const ParamReader&);

} // namespace fleetsim::policies
