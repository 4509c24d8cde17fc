// Gang and MIG placement: every part of a job or none.
#include "sim/sched/gang.hpp"

#include "sim/sched/answer_check.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace fleetsim {

PartsPlacer::PartsPlacer(const ClusterState& cluster, policies::PlacementPolicy* policy)
    : cluster_(cluster), policy_(policy) {
  if (cluster.empty()) empty_ = cluster;
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
  for (const auto& r : parts(j))
    if (!cluster_.could_ever_fit(r)) return false;  // MIG requests: on the cluster's MIG-enabled GPUs
  return true;
}

bool PartsPlacer::can_ever_place(const Job& j, policies::PlacementPolicy& policy) {
  if (!could_ever_fit(j)) return false;
  if (parts(j).size() < 2 || !empty_) return true;
  const std::uint32_t sig = signature(j);
  if (auto it = ever_.find(sig); it != ever_.end()) return it->second;
  ClusterState scratch = *empty_;
  const bool ok = place(-1, j, scratch, policy).has_value();
  ever_.emplace(sig, ok);
  return ok;
}

std::uint32_t PartsPlacer::signature(const Job& j) {
  std::vector<RequestShape> key;
  for (const auto& r : parts(j)) key.push_back(RequestShape::of(r));
  return signatures_.emplace(std::move(key), static_cast<std::uint32_t>(signatures_.size())).first->second;
}

const Job& PartsPlacer::as_job(const Job& j, const Request& r) {
  scratch_.id = j.id;
  scratch_.kind = j.kind;
  scratch_.submit_s = j.submit_s;
  scratch_.duration_s = j.duration_s;
  scratch_.priority = j.priority;
  scratch_.req = r;
  return scratch_;
}

std::optional<PartsPlacer::MigChoice> PartsPlacer::find_mig(const ClusterState& cluster, const Request& r) const {
  if (!policy_) throw std::logic_error("PartsPlacer::find_mig: the placer was given no placement policy");
  if (r.mig < 0) return std::nullopt;
  Job j;
  j.id = "find_mig";
  j.req = r;
  auto a = policy_->place(j, cluster);
  if (!a) return std::nullopt;
  check_answer(*policy_, r, *a, cluster, "a MIG request");
  MigChoice c;
  c.slices = a->mig;
  c.alloc = std::move(*a);
  return c;
}

const mig::GpuLayout& PartsPlacer::layout(int g) const {
  static const mig::GpuLayout none;
  const auto& nodes = cluster_.nodes();
  // The node holding flat GPU g: the last one starting at or before it.
  auto it = std::upper_bound(nodes.begin(), nodes.end(), g, [](int x, const Node& nd) { return x < nd.gpu_begin; });
  if (it == nodes.begin()) return none;
  const int n = static_cast<int>(it - nodes.begin()) - 1;
  const auto layouts = cluster_.mig_layouts(n);
  const int k = g - cluster_.node(n).gpu_begin;
  return k >= 0 && k < static_cast<int>(layouts.size()) ? layouts[static_cast<std::size_t>(k)] : none;
}

namespace {

/// True when the parts of `j` must be on distinct nodes: the parts of a multi-node gang
/// (`num_nodes: k`, JobWork::parts without a pipeline) are k distinct servers; the workers of a
/// disaggregated pipeline may share nodes.
bool distinct_nodes(const Job& j) { return j.work && j.work->distinct_nodes(); }

/// Makes node n of `view` hold nothing more: its free CPU, memory and local (non-MIG) GPU
/// shares are taken by one allocation, so a policy asked on `view` chooses another node (a part
/// asking for no CPU, memory or plain GPUs can still land there; callers check).
void saturate(ClusterState& view, int n) {
  Allocation a;
  a.node = n;
  a.cpu_milli = view.free_cpu_milli(n);
  a.memory_mib = view.free_memory_mib(n);
  if (!view.mig_geometry(n)) {
    const auto free = view.gpu_free(n);
    for (std::size_t k = 0; k < free.size(); ++k)
      if (free[k] > 0) a.gpus.push_back({static_cast<std::int32_t>(k), free[k]});
  }
  if (a.cpu_milli > 0 || a.memory_mib > 0 || !a.gpus.empty()) view.allocate(a);
}

/// Rank of a part for the search: most constrained first (GPU parts before CPU parts, MIG
/// instances and larger GPU totals before smaller, then more CPU, then more memory).
bool more_constrained(const Request& a, const Request& b) {
  const auto gpu = [](const Request& r) { return std::int64_t{r.num_gpu} * r.gpu_milli; };
  if ((a.num_gpu > 0) != (b.num_gpu > 0)) return a.num_gpu > 0;
  if (gpu(a) != gpu(b)) return gpu(a) > gpu(b);
  if (a.cpu_milli != b.cpu_milli) return a.cpu_milli > b.cpu_milli;
  return a.memory_mib > b.memory_mib;
}

} // namespace

std::optional<Allocation> PartsPlacer::ask(const Job& j, const Request& r, std::size_t p, const ClusterState& state,
                                           const std::vector<int>& exclude, policies::PlacementPolicy& policy) {
  ++calls_;
  std::optional<Allocation> a;
  if (exclude.empty()) {
    a = policy.place(as_job(j, r), state);
  } else {
    ClusterState view = state;  // the state with the excluded nodes full: a filter the policy sees
    for (int n : exclude) saturate(view, n);
    a = policy.place(as_job(j, r), view);
  }
  if (!a) return a;
  check_answer(policy, r, *a, state, "part " + std::to_string(p) + " of job " + j.id);
  if (std::find(exclude.begin(), exclude.end(), a->node) != exclude.end()) return std::nullopt;  // see saturate
  return a;
}

bool PartsPlacer::search(const Job& j, const std::vector<std::size_t>& order, std::size_t d, const ClusterState& state,
                         std::vector<int>& used, std::vector<Allocation>& out, policies::PlacementPolicy& policy) {
  if (d == order.size()) return true;
  const auto& ps = parts(j);
  const std::size_t p = order[d];
  const bool distinct = distinct_nodes(j);
  std::vector<int> exclude = distinct ? used : std::vector<int>{};
  while (calls_ < budget_) {
    auto a = ask(j, ps[p], p, state, exclude, policy);
    if (!a) return false;
    ClusterState next = state;
    next.allocate(*a);
    used.push_back(a->node);
    out[p] = *a;
    if (search(j, order, d + 1, next, used, out, policy)) return true;
    used.pop_back();
    exclude.push_back(a->node);  // this part elsewhere
  }
  return false;
}

std::optional<std::vector<Allocation>> PartsPlacer::place(int job, const Job& j, ClusterState& cluster,
                                                          policies::PlacementPolicy& policy) {
  const auto& ps = parts(j);
  const bool distinct = distinct_nodes(j);
  if (distinct && static_cast<int>(ps.size()) > cluster.num_nodes()) return std::nullopt;
  // First, the parts in their own order, each where the policy puts it (a gang's part on a node
  // of its own: the policy is asked again with the gang's nodes full), on a copy of the cluster:
  // a failed attempt leaves no trace (no pooled GPU left composed, no MIG repartition, no change
  // stamp or counter moved). The layout found is then applied to `cluster` in the same order.
  std::vector<Allocation> done;
  done.reserve(ps.size());
  std::vector<int> used;
  calls_ = 0;
  detached_.clear();
  bool ok = true;
  {
    ClusterState work = cluster;
    for (std::size_t p = 0; p < ps.size(); ++p) {
      const Request& r = ps[p];
      auto a = ask(j, r, p, work, {}, policy);
      if (a && distinct && std::find(used.begin(), used.end(), a->node) != used.end())
        a = ask(j, r, p, work, used, policy);
      if (!a) {
        ok = false;
        break;
      }
      work.allocate(*a);  // throws on over-allocation or a bad MIG instance: a policy bug, never silent
      used.push_back(a->node);
      done.push_back(std::move(*a));
    }
  }
  if (ok) {
    std::size_t applied = 0;
    try {
      for (; applied < done.size(); ++applied) apply(done[applied], cluster);
    } catch (...) {
      for (std::size_t i = applied; i-- > 0;) release(job, static_cast<int>(i), done[i], cluster);
      throw;
    }
    return done;
  }
  if (ps.size() < 2) return std::nullopt;
  // Then a search on a copy of the cluster: the most constrained parts first, backtracking over
  // the node of each part (the nodes the policy chooses in turn, the ones tried made full), at
  // most kMaxSearchCalls policy calls in all. The layout found is applied in the parts' order.
  std::vector<std::size_t> order(ps.size());
  for (std::size_t p = 0; p < ps.size(); ++p) order[p] = p;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return more_constrained(ps[a], ps[b]); });
  std::vector<Allocation> found(ps.size());
  used.clear();
  budget_ = std::min<std::uint64_t>(kMaxSearchCalls, std::max<std::uint64_t>(16, kMaxSearchNodeCopies / std::max(1, cluster.num_nodes())));
  calls_ = 0;
  if (!search(j, order, 0, cluster, used, found, policy)) return std::nullopt;
  std::size_t applied = 0;  // in the search's order, the order the layout was planned in
  try {
    for (; applied < order.size(); ++applied) apply(found[order[applied]], cluster);
  } catch (...) {
    for (std::size_t i = applied; i-- > 0;) release(job, static_cast<int>(order[i]), found[order[i]], cluster);
    throw;
  }
  return found;
}

void PartsPlacer::apply(const Allocation& a, ClusterState& cluster) {
  for (int g : a.attach)  // re-composition detaches g from the node holding it: that node changes too
    if (const int m = cluster.pool_gpu_attached(g); m >= 0 && m != a.node) detached_.push_back(m);
  cluster.allocate(a);
}

void PartsPlacer::release(int, int, const Allocation& a, ClusterState& cluster) { cluster.release(a); }

std::vector<std::int32_t> PartsPlacer::devices(int, int, const Allocation& a) const {
  std::vector<std::int32_t> d;
  if (!a.mig.empty()) {
    const mig::Geometry* g = cluster_.mig_geometry(a.node);
    for (const auto& s : a.mig) d.push_back(g->milli(s.profile, s.start));
    return d;
  }
  for (const auto* shares : {&a.gpus, &a.pool})
    for (const auto& g : *shares) d.push_back(g.milli);
  return d;
}

} // namespace fleetsim
