// Composable placement: which server, and which pooled GPUs to attach to it.
// pool-first-fit, pool-best-fit and pool-locality, plus compose_on_node, which every policy
// uses when a server's own GPUs cannot hold a request.
#include <algorithm>
#include <limits>

#include "policies/builtin.hpp"
#include "policies/placement.hpp"

namespace fleetsim::policies {

Allocation compose_on_node(const ClusterState& c, int n, const Request& req, PoolOrder order) {
  Allocation a;
  a.node = n;
  a.cpu_milli = req.cpu_milli;
  a.memory_mib = req.memory_mib;
  auto model_ok = [&](int p) { return req.model_mask == 0 || ((req.model_mask >> c.pool(p).gpu_model) & 1u); };
  const int need = req.num_gpu;
  // 1. GPUs already attached to n (no composition needed); tightest fit first for a share.
  std::vector<int> mine;
  for (int g : c.attached_gpus(n))
    if (model_ok(c.pool_of(g)) && c.pool_gpu_free(g) >= req.gpu_milli) mine.push_back(g);
  std::stable_sort(mine.begin(), mine.end(), [&](int x, int y) {
    return req.gpu_milli < 1000 ? c.pool_gpu_free(x) < c.pool_gpu_free(y) : x < y;
  });
  for (int g : mine) {
    if (static_cast<int>(a.pool.size()) == need) break;
    a.pool.push_back({g, req.gpu_milli});
  }
  if (static_cast<int>(a.pool.size()) == need) return a;

  // 2. Idle GPUs to attach, pool by pool in the policy's order: unattached ones first, then
  //    idle ones attached elsewhere.
  std::vector<int> pools;
  const int w = c.node(n).fabric_switch;
  for (int p : c.switch_pools(w))
    if (model_ok(p)) pools.push_back(p);
  auto idle = [&](int p) { return c.pool_unattached(p) + c.pool_idle_attached(p); };
  if (order == PoolOrder::fullest) {
    std::stable_sort(pools.begin(), pools.end(), [&](int x, int y) { return idle(x) < idle(y); });
  } else if (order == PoolOrder::locality) {
    auto holds_mine = [&](int p) {
      for (const auto& s : a.pool)
        if (c.pool_of(s.gpu) == p) return true;
      for (int g : c.attached_gpus(n))
        if (c.pool_of(g) == p) return true;
      return false;
    };
    const int missing = need - static_cast<int>(a.pool.size());
    std::stable_sort(pools.begin(), pools.end(), [&](int x, int y) {
      const bool hx = holds_mine(x), hy = holds_mine(y);
      if (hx != hy) return hx;
      // A pool that can supply every missing GPU alone, the fullest such one; else the largest supply.
      const bool wx = idle(x) >= missing, wy = idle(y) >= missing;
      if (wx != wy) return wx;
      return wx ? idle(x) < idle(y) : idle(x) > idle(y);
    });
  }
  for (int pass = 0; pass < 2 && static_cast<int>(a.pool.size()) < need; ++pass) {
    for (int p : pools) {
      const Pool& pl = c.pool(p);
      for (int g = pl.gpu_begin; g < pl.gpu_begin + pl.gpu_count && static_cast<int>(a.pool.size()) < need; ++g) {
        if (c.pool_gpu_free(g) != 1000) continue;
        const int on = c.pool_gpu_attached(g);
        if (pass == 0 ? on != -1 : (on == -1 || on == n)) continue;
        a.attach.push_back(g);
        a.pool.push_back({g, req.gpu_milli});
      }
      if (static_cast<int>(a.pool.size()) == need) break;
    }
  }
  return a;
}

namespace {

/// Picks the node; composes its GPUs in `order`. `score` is minimised; lowest index on ties.
template <class Score>
std::optional<Allocation> best_node(const Job& job, const ClusterState& c, PoolOrder order, Score score) {
  int chosen = -1;
  double best = std::numeric_limits<double>::infinity();
  for (int n = 0; n < c.num_nodes(); ++n) {
    if (!c.fits(n, job.req)) continue;
    const double s = score(n);
    if (s < best) {
      best = s;
      chosen = n;
    }
  }
  if (chosen < 0) return std::nullopt;
  if (job.req.num_gpu > 0 && c.local_gpus_fit(chosen, job.req)) return allocate_on_node(c, chosen, job.req);
  if (job.req.num_gpu == 0) return allocate_on_node(c, chosen, job.req);
  return compose_on_node(c, chosen, job.req, order);
}

class PoolFirstFit final : public PlacementPolicy {
public:
  std::string_view name() const override { return "pool-first-fit"; }
  std::optional<Allocation> place(const Job& job, const ClusterState& c) override {
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
class PoolBestFit final : public PlacementPolicy {
public:
  std::string_view name() const override { return "pool-best-fit"; }
  std::optional<Allocation> place(const Job& job, const ClusterState& c) override {
    return best_node(job, c, PoolOrder::fullest, [&](int n) { return leftover(c, n, job.req); });
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
class PoolLocality final : public PlacementPolicy {
public:
  std::string_view name() const override { return "pool-locality"; }
  std::optional<Allocation> place(const Job& job, const ClusterState& c) override {
    const Request& r = job.req;
    return best_node(job, c, PoolOrder::locality, [&](int n) {
      int have = 0;
      if (r.num_gpu > 0) {
        if (c.local_gpus_fit(n, r)) {
          have = r.num_gpu;
        } else {
          for (int g : c.attached_gpus(n))
            have += c.pool_gpu_free(g) >= r.gpu_milli &&
                    (r.model_mask == 0 || ((r.model_mask >> c.pool(c.pool_of(g)).gpu_model) & 1u));
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
