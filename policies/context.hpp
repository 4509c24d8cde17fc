#pragma once
// What a policy may know besides the cluster it is shown: given once, at construction, by the
// registry (policies/registry.hpp). A policy never discovers its inputs at run time.
#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "sim/measure/fragmentation.hpp"

namespace fleetsim::policies {

struct PolicyContext {
  /// The scenario's policy.params (checked by the policy's ParamReader; errors name the pointer).
  nlohmann::json params = nlohmann::json::object();
  /// The scenario seed; randomized policies draw their own streams of it (stream_seed).
  std::uint64_t seed = 42;
  /// The target workload of the fragmentation measure (fgd scores against it); null when the
  /// run has none (no GPU in the cluster or no GPU shape in the workload).
  std::shared_ptr<const FragTarget> frag_target;
};

} // namespace fleetsim::policies
