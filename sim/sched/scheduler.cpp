#include "sim/sched/scheduler.hpp"

#include <queue>
#include <stdexcept>

#include "sim/sched/answer_check.hpp"
#include "sim/sched/gang.hpp"

namespace fleetsim {

Scheduler::Scheduler(ClusterState& cluster, const std::vector<Job>& jobs, policies::QueuePolicy& queue,
                     policies::PlacementPolicy& placement)
    : cluster_(cluster), jobs_(jobs), queue_(queue), placement_(placement), records_(jobs.size()),
      is_dirty_(static_cast<std::size_t>(cluster.num_nodes()), 0) {}

bool Scheduler::still_failing(const RequestShape& k) const {
  // A pooled GPU freed on one server can serve a job on any server its pool reaches.
  if (pool_released_ && k.num_gpu > 0) return false;
  bool failed_before = false;
  for (const auto& f : failed_prev_)
    if (dominates(k, f)) { failed_before = true; break; }
  if (!failed_before) return false;
  const Request r = k.request();
  for (int n : dirty_)
    if (cluster_.fits(n, r)) return false;
  return true;
}

bool Scheduler::ByPolicy::operator()(int a, int b) const {
  const Job& ja = s->jobs_[static_cast<std::size_t>(a)];
  const Job& jb = s->jobs_[static_cast<std::size_t>(b)];
  if (s->queue_.before(ja, jb)) return true;
  if (s->queue_.before(jb, ja)) return false;
  return a < b;
}

bool Scheduler::dominates(const RequestShape& big, const RequestShape& small) {
  const auto [bc, bm, bn, bg, bmask, bmig] = big;
  const auto [sc, sm, sn, sg, smask, smig] = small;
  if (bc < 0 || sc < 0) return big == small;  // jobs of several parts: only the same parts
  if (bmig != smig) return false;             // MIG instances of another profile: unrelated
  // A request at least as large in every resource, allowed on a subset of the models.
  const bool models_subset = smask == 0 || (bmask != 0 && (bmask & ~smask) == 0);
  if (!(bc >= sc && bm >= sm && models_subset)) return false;
  if (sn == 0) return true;  // the small one needs no GPU and failed on CPU/memory alone
  if (bn < sn) return false;
  // Whole GPUs are needed by the bigger one when the smaller one needs whole GPUs.
  return bg >= sg;
}

RequestShape Scheduler::key_of(const Job& j) {
  if (parts_ && PartsPlacer::special(j)) return {-1 - std::int64_t{parts_->signature(j)}, -1, 0, 0, 0, -1};
  return RequestShape::of(j.req);
}

void Scheduler::gained(int n) {
  touched_.push_back(n);
  if (!is_dirty_[static_cast<std::size_t>(n)]) {
    is_dirty_[static_cast<std::size_t>(n)] = 1;
    dirty_.push_back(n);
  }
}

void Scheduler::arrive(int j, double now) {
  auto& rec = records_[static_cast<std::size_t>(j)];
  const Job& job = jobs_[static_cast<std::size_t>(j)];
  const bool parts = parts_ && PartsPlacer::special(job);
  if (parts ? !parts_->can_ever_place(job, placement_) : !cluster_.could_ever_fit(job.req)) {
    rec.status = JobStatus::unplaceable;
    rec.finish_s = now;
    return;
  }
  rec.status = JobStatus::pending;
  arrived_ = true;
  const RequestShape k = key_of(job);
  auto it = lanes_.find(k);
  if (it == lanes_.end()) it = lanes_.emplace(k, Lane(ByPolicy{this})).first;
  it->second.insert(j);
  ++queued_;
}

void Scheduler::complete(int j, double now) {
  auto& rec = records_[static_cast<std::size_t>(j)];
  if (rec.status != JobStatus::running) throw std::logic_error("completion of a job that is not running");
  if (!rec.parts.empty()) {
    for (std::size_t p = 0; p < rec.parts.size(); ++p)
      if (rec.part_end_s[p] < 0) release_part(j, static_cast<int>(p), now);
    rec.status = JobStatus::completed;
    rec.finish_s = now;
    --running_;
    return;
  }
  cluster_.release(rec.alloc);
  pool_released_ |= !rec.alloc.pool.empty();
  touched_.push_back(rec.alloc.node);
  if (!is_dirty_[static_cast<std::size_t>(rec.alloc.node)]) {
    is_dirty_[static_cast<std::size_t>(rec.alloc.node)] = 1;
    dirty_.push_back(rec.alloc.node);
  }
  rec.status = JobStatus::completed;
  rec.finish_s = now;
  --running_;
}

void Scheduler::release_part(int j, int part, double now) {
  auto& rec = records_[static_cast<std::size_t>(j)];
  const auto p = static_cast<std::size_t>(part);
  if (rec.status != JobStatus::running || p >= rec.parts.size() || rec.part_end_s[p] >= 0)
    throw std::logic_error("release of a part that is not held");
  parts_->release(j, part, rec.parts[p], cluster_);
  rec.part_end_s[p] = now;
  pool_released_ |= !rec.parts[p].pool.empty();
  gained(rec.parts[p].node);
}

void Scheduler::schedule(double now, std::vector<int>& started) {
  if (queued_ == 0) {
    // Nothing waits: forget what failed, since the next arrivals meet a changed cluster.
    failed_prev_.clear();
    for (int n : dirty_) is_dirty_[static_cast<std::size_t>(n)] = 0;
    dirty_.clear();
    pool_released_ = false;
    arrived_ = false;
    return;
  }
  // Nothing arrived and no node gained resources since the last pass: it would place nothing
  // (every lane it tried failed, on a cluster that has only lost resources since).
  if (!arrived_ && dirty_.empty() && !pool_released_) return;
  arrived_ = false;
  // A k-way merge of the shape lanes in queue order. When a job does not fit, nothing that
  // dominates its shape can fit during this pass (resources only shrink), so its whole lane and
  // every dominating lane drop out: a pass costs O(placements + shapes), not O(queue).
  struct Head {
    int job;
    std::map<RequestShape, Lane>::iterator lane;
  };
  ByPolicy order{this};
  auto later = [&](const Head& a, const Head& b) { return order(b.job, a.job); };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
  for (auto it = lanes_.begin(); it != lanes_.end(); ++it)
    if (!it->second.empty()) heads.push({*it->second.begin(), it});
  failed_.clear();
  while (!heads.empty()) {
    Head h = heads.top();
    heads.pop();
    bool hopeless = false;
    for (const auto& f : failed_)
      if (dominates(h.lane->first, f)) { hopeless = true; break; }
    if (!hopeless && still_failing(h.lane->first)) {
      hopeless = true;
      failed_.push_back(h.lane->first);
    }
    if (hopeless) {
      if (queue_.blocking()) break;
      continue;
    }
    const Job& job = jobs_[static_cast<std::size_t>(h.job)];
    ++placement_calls_;
    if (parts_ && PartsPlacer::special(job)) {  // several allocations, or MIG instances: all or none
      auto parts = parts_->place(h.job, job, cluster_, placement_);
      if (!parts) {
        failed_.push_back(h.lane->first);
        if (queue_.blocking()) break;
        continue;
      }
      auto& rec = records_[static_cast<std::size_t>(h.job)];
      for (const auto& a : *parts) touched_.push_back(a.node);
      for (int m : parts_->detached_from()) touched_.push_back(m);  // pooled GPUs detached from m
      rec.status = JobStatus::running;
      rec.start_s = now;
      rec.alloc = parts->front();
      rec.parts = std::move(*parts);
      rec.part_end_s.assign(rec.parts.size(), -1.0);
      ++running_;
      --queued_;
      started.push_back(h.job);
      h.lane->second.erase(h.lane->second.begin());
      if (!h.lane->second.empty()) heads.push({*h.lane->second.begin(), h.lane});
      else lanes_.erase(h.lane);
      continue;
    }
    auto alloc = placement_.place(job, cluster_);
    if (!alloc) {
      failed_.push_back(h.lane->first);
      if (queue_.blocking()) break;
      continue;
    }
    check_answer(placement_, job.req, *alloc, cluster_, "job " + job.id);
    for (int g : alloc->attach)  // servers losing an idle GPU to this composition change too
      if (const int m = cluster_.pool_gpu_attached(g); m >= 0) touched_.push_back(m);
    const int detached = cluster_.allocate(*alloc);  // throws on over-allocation: a policy bug, never silent
    touched_.push_back(alloc->node);
    auto& rec = records_[static_cast<std::size_t>(h.job)];
    rec.status = JobStatus::running;
    rec.start_s = now;
    rec.alloc = std::move(*alloc);
    rec.attached = static_cast<std::int32_t>(rec.alloc.attach.size());
    rec.detached = detached;
    ++running_;
    --queued_;
    started.push_back(h.job);
    h.lane->second.erase(h.lane->second.begin());
    if (!h.lane->second.empty()) heads.push({*h.lane->second.begin(), h.lane});
    else lanes_.erase(h.lane);  // no other head refers to it
  }
  // What failed now fails until some node gains resources; remember it for the next pass.
  failed_prev_.swap(failed_);
  for (int n : dirty_) is_dirty_[static_cast<std::size_t>(n)] = 0;
  dirty_.clear();
  pool_released_ = false;
}

} // namespace fleetsim
