// The default GPU choice on a node, the composition of pooled GPUs, and MIG instances.
#include "policies/allocate.hpp"

#include <algorithm>
#include <vector>

namespace fleetsim::policies {
namespace {

/// MIG request r's instances on node n by the per-GPU rule (allocate_on_node), with what they
/// cost; nullopt when the node cannot take them all. `trial` is scratch.
struct MigPick {
  Allocation a;
  int reuse = 0, destroyed = 0, packed = 0;
};
std::optional<MigPick> mig_on_node(const ClusterState& cluster, int n, const Request& r,
                                   std::vector<mig::GpuLayout>& trial) {
  const mig::Geometry* g = cluster.mig_geometry(n);
  const int p = cluster.mig_profile(n, r.mig);
  if (!g || p < 0 || r.num_gpu < 1) return std::nullopt;
  const auto layouts = cluster.mig_layouts(n);
  trial.assign(layouts.begin(), layouts.end());
  MigPick pick;
  Allocation& a = pick.a;
  for (int k = 0; k < r.num_gpu; ++k) {
    // The GPU for this instance: reuse an idle instance first, then repartition the least,
    // then pack the fullest GPU, then keep the most placements possible, then lowest index.
    int gbest = -1;
    mig::Plan pbest;
    int used_best = -1;
    for (int gi = 0; gi < static_cast<int>(trial.size()); ++gi) {
      const auto pl = trial[static_cast<std::size_t>(gi)].plan(*g, p);
      if (!pl) continue;
      const int used = trial[static_cast<std::size_t>(gi)].used_compute_slices();
      const bool better =
          gbest < 0 || pl->reuse > pbest.reuse ||
          (pl->reuse == pbest.reuse &&
           (pl->destroyed < pbest.destroyed ||
            (pl->destroyed == pbest.destroyed &&
             (used > used_best || (used == used_best && pl->options_left > pbest.options_left)))));
      if (better) {
        gbest = gi;
        pbest = *pl;
        used_best = used;
      }
    }
    if (gbest < 0) return std::nullopt;
    pick.reuse += pbest.reuse;
    pick.destroyed += pbest.destroyed;
    pick.packed += used_best;
    trial[static_cast<std::size_t>(gbest)].apply(*g, p, pbest);
    a.mig.push_back({gbest, static_cast<std::int16_t>(p), static_cast<std::int16_t>(pbest.start)});
  }
  a.node = n;
  a.cpu_milli = r.cpu_milli;
  a.memory_mib = r.memory_mib;
  for (const auto& s : a.mig) {  // one share per GPU: the summed charges of its instances
    const std::int32_t m = g->milli(s.profile, s.start);
    auto sh = std::find_if(a.gpus.begin(), a.gpus.end(), [&](const GpuShare& x) { return x.gpu == s.gpu; });
    if (sh != a.gpus.end()) sh->milli += m;
    else a.gpus.push_back({s.gpu, m});
  }
  return pick;
}

} // namespace

std::optional<Allocation> place_mig(const ClusterState& cluster, const Request& r) {
  if (!cluster.mig_catalog() || r.mig < 0 || r.num_gpu < 1) return std::nullopt;
  std::optional<MigPick> best;
  std::vector<mig::GpuLayout> trial;
  for (int n = 0; n < cluster.num_nodes(); ++n) {
    if (!model_matches(r.model_mask, cluster.node(n).gpu_model)) continue;
    if (cluster.free_cpu_milli(n) < r.cpu_milli || cluster.free_memory_mib(n) < r.memory_mib) continue;
    auto c = mig_on_node(cluster, n, r, trial);
    if (!c) continue;
    const bool better = !best || c->reuse > best->reuse ||
                        (c->reuse == best->reuse && (c->destroyed < best->destroyed ||
                                                     (c->destroyed == best->destroyed && c->packed > best->packed)));
    if (better) best = std::move(c);
  }
  if (!best) return std::nullopt;
  return std::move(best->a);
}

Allocation allocate_on_node(const ClusterState& cluster, int node, const Request& req) {
  if (req.mig >= 0) {
    std::vector<mig::GpuLayout> trial;
    if (auto pick = mig_on_node(cluster, node, req, trial)) return std::move(pick->a);
  }
  Allocation a;
  a.node = node;
  a.cpu_milli = req.cpu_milli;
  a.memory_mib = req.memory_mib;
  if (req.num_gpu == 0 || req.mig >= 0) return a;  // a MIG request that does not fit: no instances
  if (!cluster.local_gpus_fit(node, req)) return compose_on_node(cluster, node, req, PoolOrder::index);
  const auto free = cluster.gpu_free(node);
  a.gpus.reserve(static_cast<std::size_t>(req.num_gpu));
  if (req.num_gpu == 1 && req.gpu_milli < 1000) {
    int best = -1;
    for (int g = 0; g < static_cast<int>(free.size()); ++g)
      if (free[g] >= req.gpu_milli && (best < 0 || free[g] < free[best])) best = g;
    a.gpus.push_back({best, req.gpu_milli});
    return a;
  }
  for (int g = 0; g < static_cast<int>(free.size()) && static_cast<int>(a.gpus.size()) < req.num_gpu; ++g)
    if (free[g] >= req.gpu_milli && (req.gpu_milli < 1000 || free[g] == 1000)) a.gpus.push_back({g, req.gpu_milli});
  return a;
}

Allocation compose_on_node(const ClusterState& c, int n, const Request& req, PoolOrder order) {
  Allocation a;
  a.node = n;
  a.cpu_milli = req.cpu_milli;
  a.memory_mib = req.memory_mib;
  auto model_ok = [&](int p) { return model_matches(req.model_mask, c.pool(p).gpu_model); };
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

} // namespace fleetsim::policies
