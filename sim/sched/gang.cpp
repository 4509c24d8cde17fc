// Gang and MIG placement: every part of a job or none.
#include "sim/sched/gang.hpp"

#include "sim/sched/answer_check.hpp"

#include <stdexcept>
#include <string>

namespace fleetsim {

PartsPlacer::PartsPlacer(const ClusterState& cluster, const MigCatalog* mig)
    : cluster_(cluster), mig_(mig), layouts_(static_cast<std::size_t>(cluster.num_local_gpus())) {
  if (mig_)
    for (const auto& nd : cluster.nodes())
      if (mig_->geometry(nd.gpu_model)) mig_gpus_ += nd.gpu_count;
}

bool PartsPlacer::special(const Job& j) {
  if (j.req.mig >= 0) return true;
  if (!j.work) return false;
  if (j.work->parts.size() > 1) return true;
  for (const auto& r : j.work->parts)
    if (r.mig >= 0) return true;
  return false;
}

const std::vector<Request>& PartsPlacer::parts(const Job& j) {
  if (j.work && !j.work->parts.empty()) return j.work->parts;
  thread_local std::vector<Request> one(1);
  one[0] = j.req;
  return one;
}

bool PartsPlacer::could_ever_fit(const Job& j) const {
  for (const auto& r : parts(j)) {
    if (r.mig >= 0 ? !(mig_ && mig_could_ever_fit(cluster_, *mig_, r)) : !cluster_.could_ever_fit(r)) return false;
  }
  return true;
}

std::uint32_t PartsPlacer::signature(const Job& j) {
  std::string key;
  for (const auto& r : parts(j)) {
    for (const std::int64_t v : {r.cpu_milli, r.memory_mib, std::int64_t{r.num_gpu}, std::int64_t{r.gpu_milli},
                                 static_cast<std::int64_t>(r.model_mask), std::int64_t{r.mig}})
      key.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  return signatures_.emplace(std::move(key), static_cast<std::uint32_t>(signatures_.size())).first->second;
}

std::optional<PartsPlacer::MigChoice> PartsPlacer::find_mig(const ClusterState& cluster, const Request& r) const {
  if (!mig_ || r.mig < 0 || r.num_gpu < 1) return std::nullopt;
  std::optional<MigChoice> best;
  int best_reuse = -1, best_destroyed = 0, best_packed = -1;
  std::vector<mig::GpuLayout> trial;
  for (int n = 0; n < cluster.num_nodes(); ++n) {
    const Node& nd = cluster.node(n);
    if (nd.gpu_model < 0 || !((r.model_mask >> nd.gpu_model) & 1u)) continue;
    const mig::Geometry* g = mig_->geometry(nd.gpu_model);
    const int p = mig_->profile_index(nd.gpu_model, r.mig);
    if (!g || p < 0) continue;
    if (cluster.free_cpu_milli(n) < r.cpu_milli || cluster.free_memory_mib(n) < r.memory_mib) continue;
    trial.assign(layouts_.begin() + nd.gpu_begin, layouts_.begin() + nd.gpu_begin + nd.gpu_count);
    MigChoice c;
    int reuse = 0, destroyed = 0, packed = 0;
    bool ok = true;
    for (int k = 0; k < r.num_gpu && ok; ++k) {
      // The GPU for this instance: reuse an idle instance first, then repartition the least,
      // then pack the fullest GPU, then keep the most placements possible, then lowest index.
      int gbest = -1;
      mig::Plan pbest;
      int used_best = -1;
      for (int gi = 0; gi < nd.gpu_count; ++gi) {
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
      if (gbest < 0) {
        ok = false;
        break;
      }
      reuse += pbest.reuse;
      destroyed += pbest.destroyed;
      packed += used_best;
      trial[static_cast<std::size_t>(gbest)].apply(*g, p, pbest);
      c.slices.push_back({gbest, static_cast<std::int16_t>(p), static_cast<std::int16_t>(pbest.start)});
    }
    if (!ok) continue;
    const bool better = !best || reuse > best_reuse ||
                        (reuse == best_reuse && (destroyed < best_destroyed ||
                                                 (destroyed == best_destroyed && packed > best_packed)));
    if (!better) continue;
    c.alloc.node = n;
    c.alloc.cpu_milli = r.cpu_milli;
    c.alloc.memory_mib = r.memory_mib;
    for (const auto& s : c.slices) {
      const std::int32_t m = g->milli(s.profile, s.start);
      bool merged = false;
      for (auto& sh : c.alloc.gpus)
        if (sh.gpu == s.gpu) {
          sh.milli += m;
          merged = true;
        }
      if (!merged) c.alloc.gpus.push_back({s.gpu, m});
    }
    best = std::move(c);
    best_reuse = reuse;
    best_destroyed = destroyed;
    best_packed = packed;
  }
  return best;
}

void PartsPlacer::apply_mig(const ClusterState& cluster, const MigChoice& c) {
  const Node& nd = cluster.node(c.alloc.node);
  const mig::Geometry* g = mig_->geometry(nd.gpu_model);
  for (const auto& s : c.slices) {  // in the order find_mig planned them
    auto& layout = layouts_[static_cast<std::size_t>(nd.gpu_begin + s.gpu)];
    mig::Plan at;
    at.start = s.start;
    for (const auto& in : layout.instances()) at.reuse |= !in.used && in.profile == s.profile && in.start == s.start;
    destroyed_ += static_cast<std::uint64_t>(layout.apply(*g, s.profile, at));
    if (at.reuse) ++reused_;
    else ++created_;
  }
}

std::optional<std::vector<Allocation>> PartsPlacer::place(int job, const Job& j, ClusterState& cluster,
                                                          policies::PlacementPolicy& policy) {
  const auto& ps = parts(j);
  std::vector<Allocation> done;
  done.reserve(ps.size());
  auto undo = [&] {
    for (std::size_t i = done.size(); i-- > 0;) release(job, static_cast<int>(i), done[i], cluster);
    return std::nullopt;
  };
  for (std::size_t p = 0; p < ps.size(); ++p) {
    const Request& r = ps[p];
    if (r.mig >= 0) {
      auto c = find_mig(cluster, r);
      if (!c) return undo();
      cluster.allocate(c->alloc);
      apply_mig(cluster, *c);
      slices_[key(job, static_cast<int>(p))] = c->slices;
      done.push_back(std::move(c->alloc));
      continue;
    }
    scratch_.id = j.id;
    scratch_.kind = j.kind;
    scratch_.submit_s = j.submit_s;
    scratch_.duration_s = j.duration_s;
    scratch_.priority = j.priority;
    scratch_.req = r;
    auto a = policy.place(scratch_, cluster);
    if (!a) return undo();
    check_answer(policy, r, *a, cluster, "part " + std::to_string(p) + " of job " + j.id);
    cluster.allocate(*a);  // throws on over-allocation: a policy bug, never silent
    done.push_back(std::move(*a));
  }
  return done;
}

void PartsPlacer::release(int job, int part, const Allocation& a, ClusterState& cluster) {
  cluster.release(a);
  auto it = slices_.find(key(job, part));
  if (it == slices_.end()) return;
  const Node& nd = cluster.node(a.node);
  const mig::Geometry* g = mig_->geometry(nd.gpu_model);
  for (const auto& s : it->second) layouts_[static_cast<std::size_t>(nd.gpu_begin + s.gpu)].release(*g, s.profile, s.start);
  slices_.erase(it);
}

std::vector<std::int32_t> PartsPlacer::devices(int job, int part, const Allocation& a) const {
  std::vector<std::int32_t> d;
  if (auto it = slices_.find(key(job, part)); it != slices_.end()) {
    const mig::Geometry* g = mig_->geometry(cluster_.node(a.node).gpu_model);
    for (const auto& s : it->second) d.push_back(g->milli(s.profile, s.start));
    return d;
  }
  for (const auto* shares : {&a.gpus, &a.pool})
    for (const auto& g : *shares) d.push_back(g.milli);
  return d;
}

} // namespace fleetsim
