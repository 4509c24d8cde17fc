#pragma once
// Internal to policies/: parameter reading and the factories the registry lists.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policies/context.hpp"
#include "sim/sched/placement_policy.hpp"
#include "sim/sched/queue_policy.hpp"

namespace fleetsim::policies {

/// @brief Typed, located access to `policy.params`. Errors name the JSON pointer.
class ParamReader {
public:
  explicit ParamReader(const PolicyContext& ctx) : params_(ctx.params), seed_(ctx.seed), ctx_(ctx) {}
  bool get_bool(const std::string& key, bool fallback) const;
  /// @brief A finite number >= min.
  double get_number(const std::string& key, double fallback, double min) const;
  /// @brief One of `allowed`; the error lists them.
  std::string get_string(const std::string& key, const std::string& fallback,
                         const std::vector<std::string>& allowed) const;
  std::uint64_t seed() const { return seed_; }
  /// @brief The whole context (fragmentation target, ...), for policies that need more than params.
  const PolicyContext& context() const { return ctx_; }

private:
  const nlohmann::json& params_;
  std::uint64_t seed_;
  const PolicyContext& ctx_;
};

std::unique_ptr<QueuePolicy> make_fifo(const ParamReader&);
std::unique_ptr<QueuePolicy> make_fifo_skip(const ParamReader&);
std::unique_ptr<QueuePolicy> make_sjf(const ParamReader&);
std::unique_ptr<QueuePolicy> make_priority(const ParamReader&);

std::unique_ptr<PlacementPolicy> make_first_fit(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_best_fit(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_worst_fit(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_random(const ParamReader&);
// The FGD paper's scoring policies (policies/sharing.cpp, policies/fgd.cpp).
std::unique_ptr<PlacementPolicy> make_dot_product(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_gpu_clustering(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_gpu_packing(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_fgd(const ParamReader&);

std::unique_ptr<PlacementPolicy> make_pool_first_fit(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_pool_best_fit(const ParamReader&);
std::unique_ptr<PlacementPolicy> make_pool_locality(const ParamReader&);

} // namespace fleetsim::policies
