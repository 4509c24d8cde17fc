// The one list of built-in policies. Adding a policy = one line here plus its factory.
#include "policies/registry.hpp"

#include <cmath>
#include <functional>

#include "policies/builtin.hpp"
#include "sim/common/error.hpp"

namespace fleetsim::policies {
namespace {

template <class P>
struct Entry {
  const char* name;
  const char* summary;
  std::vector<std::string> params;  // accepted keys of policy.params
  std::function<std::unique_ptr<P>(const ParamReader&)> make;
};

const std::vector<Entry<QueuePolicy>>& queue_list() {
  static const std::vector<Entry<QueuePolicy>> list = {
      {"fifo", "submit order, strict head of line (a job that does not fit blocks the queue)", {}, make_fifo},
      {"fifo-skip", "submit order, the first job that fits starts (skips jobs that do not fit)", {}, make_fifo_skip},
      {"sjf", "shortest (oracle) duration first; params.head_of_line_blocking (default false)", {"head_of_line_blocking"}, make_sjf},
      {"priority", "highest priority first, then submit order; params.head_of_line_blocking", {"head_of_line_blocking"}, make_priority},
  };
  return list;
}

const std::vector<Entry<PlacementPolicy>>& placement_list() {
  static const std::vector<Entry<PlacementPolicy>> list = {
      {"first-fit", "lowest-index node that fits", {}, make_first_fit},
      {"best-fit", "least weighted leftover after placement, as an integer score (FGD paper; params.weight_cpu 0.5, "
                   "weight_gpu 0.5, weight_memory 0, tie_break \"random\")",
       {"weight_gpu", "weight_cpu", "weight_memory", "tie_break"}, make_best_fit},
      {"worst-fit", "node with the most weighted leftover after placement (spreads load)", {"weight_gpu", "weight_cpu", "weight_memory"}, make_worst_fit},
      {"random", "uniform among the nodes that fit, and among the fitting GPUs for a shared GPU; seeded", {}, make_random},
      {"dot-product", "Tetris alignment: least dot product of free (CPU, GPU) and request (FGD paper; params.tie_break)", {"tie_break"}, make_dot_product},
      {"gpu-packing", "used GPUs first, then used nodes, then idle small nodes (FGD paper; params.tie_break)", {"tie_break"}, make_gpu_packing},
      {"gpu-clustering", "nodes holding the same kind of GPU request (shared, k GPUs) first (FGD paper; params.tie_break)", {"tie_break"}, make_gpu_clustering},
      {"fgd", "fragmentation gradient descent: least growth of expected GPU fragmentation (FGD paper; params.tie_break)", {"tie_break"}, make_fgd},
      {"pool-first-fit", "composable: first server that fits; GPUs it already holds, then pools in order", {},
       make_pool_first_fit},
      {"pool-best-fit", "composable: server with the least CPU/memory left; GPUs from the fullest pools", {},
       make_pool_best_fit},
      {"pool-locality", "composable: servers already holding the GPUs first, then one chassis for all of a job's GPUs",
       {}, make_pool_locality},
  };
  return list;
}

template <class P>
std::string joined_names(const std::vector<Entry<P>>& list) {
  std::string s;
  for (const auto& e : list) s += (s.empty() ? "" : ", ") + std::string(e.name);
  return s;
}

template <class P>
std::unique_ptr<P> make(const std::vector<Entry<P>>& list, const char* kind, const std::string& name,
                        const PolicyContext& ctx) {
  for (const auto& e : list)
    if (name == e.name) return e.make(ParamReader(ctx));
  throw InputError(std::string("/policy/") + kind + ": unknown " + kind + " policy \"" + name +
                   "\"; valid names: " + joined_names(list));
}

template <class P>
std::vector<std::string> names(const std::vector<Entry<P>>& list) {
  std::vector<std::string> v;
  for (const auto& e : list) v.emplace_back(e.name);
  return v;
}

template <class P>
const Entry<P>* find(const std::vector<Entry<P>>& list, const std::string& name) {
  for (const auto& e : list)
    if (name == e.name) return &e;
  return nullptr;
}

} // namespace

void check_params(const std::string& queue, const std::string& placement, const nlohmann::json& params) {
  if (!params.is_object()) throw InputError("/policy/params: expected an object, got " + params.dump());
  std::vector<std::string> accepted;
  if (const auto* q = find(queue_list(), queue)) accepted = q->params;
  if (const auto* p = find(placement_list(), placement))
    accepted.insert(accepted.end(), p->params.begin(), p->params.end());
  for (const auto& [key, value] : params.items()) {
    bool ok = false;
    for (const auto& a : accepted) ok |= a == key;
    if (ok) continue;
    std::string list;
    for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
    throw InputError("/policy/params/" + key + ": unknown parameter for queue \"" + queue + "\" and placement \"" +
                     placement + "\"; accepted: " + (list.empty() ? "none" : list));
  }
}

std::vector<std::string> queue_names() { return names(queue_list()); }
std::vector<std::string> placement_names() { return names(placement_list()); }

std::unique_ptr<QueuePolicy> make_queue(const std::string& name, const nlohmann::json& params) {
  PolicyContext ctx;
  ctx.params = params;
  ctx.seed = 0;
  return make(queue_list(), "queue", name, ctx);
}

std::unique_ptr<PlacementPolicy> make_placement(const std::string& name, const PolicyContext& ctx) {
  return make(placement_list(), "placement", name, ctx);
}

std::unique_ptr<PlacementPolicy> make_placement(const std::string& name, const nlohmann::json& params,
                                                std::uint64_t seed) {
  PolicyContext ctx;
  ctx.params = params;
  ctx.seed = seed;
  return make_placement(name, ctx);
}

std::vector<std::pair<std::string, std::string>> describe_queues() {
  std::vector<std::pair<std::string, std::string>> v;
  for (const auto& e : queue_list()) v.emplace_back(e.name, e.summary);
  return v;
}

std::vector<std::pair<std::string, std::string>> describe_placements() {
  std::vector<std::pair<std::string, std::string>> v;
  for (const auto& e : placement_list()) v.emplace_back(e.name, e.summary);
  return v;
}

bool ParamReader::get_bool(const std::string& key, bool fallback) const {
  if (!params_.is_object() || !params_.contains(key)) return fallback;
  const auto& v = params_.at(key);
  if (!v.is_boolean()) throw InputError("/policy/params/" + key + ": expected a boolean, got " + v.dump());
  return v.get<bool>();
}

double ParamReader::get_number(const std::string& key, double fallback, double min) const {
  if (!params_.is_object() || !params_.contains(key)) return fallback;
  const auto& v = params_.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < min)
    throw InputError("/policy/params/" + key + ": expected a number >= " + nlohmann::json(min).dump() +
                     ", got " + v.dump());
  return v.get<double>();
}

std::string ParamReader::get_string(const std::string& key, const std::string& fallback,
                                    const std::vector<std::string>& allowed) const {
  if (!params_.is_object() || !params_.contains(key)) return fallback;
  const auto& v = params_.at(key);
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  if (v.is_string())
    for (const auto& a : allowed)
      if (a == v.get<std::string>()) return a;
  throw InputError("/policy/params/" + key + ": expected one of " + list + ", got " + v.dump());
}

} // namespace fleetsim::policies
