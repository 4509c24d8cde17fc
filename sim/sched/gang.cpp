// Gang and MIG placement: every part of a job or none.
#include "sim/sched/gang.hpp"

#include "sim/sched/answer_check.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace fleetsim {

PartsPlacer::PartsPlacer(const ClusterState& cluster, policies::PlacementPolicy* policy)
    : cluster_(cluster), policy_(policy) {}

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

std::optional<std::vector<Allocation>> PartsPlacer::place(int job, const Job& j, ClusterState& cluster,
                                                          policies::PlacementPolicy& policy) {
  const auto& ps = parts(j);
  std::vector<Allocation> done;
  done.reserve(ps.size());
  auto undo = [&] {
    for (std::size_t i = done.size(); i-- > 0;) release(job, static_cast<int>(i), done[i], cluster);
  };
  for (std::size_t p = 0; p < ps.size(); ++p) {
    const Request& r = ps[p];
    auto a = policy.place(as_job(j, r), cluster);
    if (!a) {
      undo();
      return std::nullopt;
    }
    try {
      check_answer(policy, r, *a, cluster, "part " + std::to_string(p) + " of job " + j.id);
      cluster.allocate(*a);  // throws on over-allocation or a bad MIG instance: a policy bug, never silent
    } catch (...) {
      undo();  // the parts already applied: the cluster is left as it was
      throw;
    }
    done.push_back(std::move(*a));
  }
  return done;
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
