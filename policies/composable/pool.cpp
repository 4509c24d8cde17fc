// Composable placement: which server, and which pooled GPUs to attach to it.
// pool-first-fit, pool-best-fit and pool-locality (compose_on_node is in policies/allocate.cpp).
#include <algorithm>
#include <limits>

#include "policies/allocate.hpp"
#include "policies/best_node.hpp"
#include "policies/builtin.hpp"

namespace fleetsim::policies {

namespace {

/// Picks the node with the lowest `score` (lowest index on ties); composes its GPUs in `order`.
template <class Score>
std::optional<Allocation> lowest_score(const Job& job, const ClusterState& c, PoolOrder order, Score score) {
  const int chosen = best_node(c, job.req, Prefer::lowest, score);
  if (chosen < 0) return std::nullopt;
  if (job.req.num_gpu > 0 && c.local_gpus_fit(chosen, job.req)) return allocate_on_node(c, chosen, job.req);
  if (job.req.num_gpu == 0) return allocate_on_node(c, chosen, job.req);
  return compose_on_node(c, chosen, job.req, order);
}

class PoolFirstFit final : public BuiltinPlacement {
public:
  std::string_view name() const override { return "pool-first-fit"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    for (int n = 0; n < c.num_nodes(); ++n) {
      if (!c.fits(n, job.req)) continue;
      if (job.req.num_gpu == 0 || c.local_gpus_fit(n, job.req)) return allocate_on_node(c, n, job.req);
      return compose_on_node(c, n, job.req, PoolOrder::index);
    }
    return std::nullopt;
  }
};

/// The server with the least CPU and memory left after placement (normalised by its
/// capacity); GPUs from the fullest pools, so chassis stay whole for big jobs.
class PoolBestFit final : public BuiltinPlacement {
public:
  std::string_view name() const override { return "pool-best-fit"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    return lowest_score(job, c, PoolOrder::fullest, [&](int n) { return leftover(c, n, job.req); });
  }
  static double leftover(const ClusterState& c, int n, const Request& r) {
    const Node& nd = c.node(n);
    double s = 0;
    if (nd.cpu_milli > 0) s += double(c.free_cpu_milli(n) - r.cpu_milli) / double(nd.cpu_milli);
    if (nd.memory_mib > 0) s += double(c.free_memory_mib(n) - r.memory_mib) / double(nd.memory_mib);
    return s;
  }
};

/// Prefer servers that already hold enough idle attached GPUs (no composition), then servers
/// whose attached GPUs cover most of the request; among equals the best CPU/memory fit. GPUs come
/// from the pools the server already uses, then from one chassis that can supply them all.
class PoolLocality final : public BuiltinPlacement {
public:
  std::string_view name() const override { return "pool-locality"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    const Request& r = job.req;
    return lowest_score(job, c, PoolOrder::locality, [&](int n) {
      int have = 0;
      if (r.num_gpu > 0) {
        if (c.local_gpus_fit(n, r)) {
          have = r.num_gpu;
        } else {
          for (int g : c.attached_gpus(n))
            have += c.pool_gpu_free(g) >= r.gpu_milli &&
                    model_matches(r.model_mask, c.pool(c.pool_of(g)).gpu_model);
        }
      }
      const int to_attach = std::max(0, r.num_gpu - have);
      return 10.0 * to_attach + PoolBestFit::leftover(c, n, r);  // leftover is in [0, 2]
    });
  }
};

} // namespace

std::unique_ptr<PlacementPolicy> make_pool_first_fit(const ParamReader&) { return std::make_unique<PoolFirstFit>(); }
std::unique_ptr<PlacementPolicy> make_pool_best_fit(const ParamReader&) { return std::make_unique<PoolBestFit>(); }
std::unique_ptr<PlacementPolicy> make_pool_locality(const ParamReader&) { return std::make_unique<PoolLocality>(); }

} // namespace fleetsim::policies
