#pragma once
// One registry of every built-in policy, by name. Filled from one list in registry.cpp.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policies/context.hpp"
#include "sim/sched/placement_policy.hpp"
#include "sim/sched/queue_policy.hpp"

namespace fleetsim::policies {

/// @brief Names of every queue policy, in the registry's order.
std::vector<std::string> queue_names();
/// @brief Names of every placement policy, in the registry's order.
std::vector<std::string> placement_names();

/// @brief Creates a queue policy by name. Throws InputError listing the valid names.
std::unique_ptr<QueuePolicy> make_queue(const std::string& name, const nlohmann::json& params);
/// @brief Creates a placement policy by name with everything it may read besides the cluster.
/// Throws InputError for an unknown name or bad params.
std::unique_ptr<PlacementPolicy> make_placement(const std::string& name, const PolicyContext& ctx);
/// @brief Shorthand: a context of `params` and `seed` only (no fragmentation target).
std::unique_ptr<PlacementPolicy> make_placement(const std::string& name, const nlohmann::json& params,
                                                std::uint64_t seed);

/// @brief Rejects keys of `params` that neither named policy accepts (InputError with the
/// JSON pointer and the accepted keys). Call after make_queue/make_placement succeeded.
void check_params(const std::string& queue, const std::string& placement, const nlohmann::json& params);

/// @brief (name, one-line summary) of every queue policy, for `fleetsim policies`.
std::vector<std::pair<std::string, std::string>> describe_queues();
/// @brief (name, one-line summary) of every placement policy.
std::vector<std::pair<std::string, std::string>> describe_placements();

} // namespace fleetsim::policies
