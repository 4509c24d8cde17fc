// The FGD paper's fill experiment: workload sampling, one-at-a-time placement, curves.
#include "sim/engine/fill.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include "policies/scoring.hpp"
#include "sim/common/rng.hpp"
#include "sim/sched/answer_check.hpp"

namespace fleetsim {
namespace {

/// round(part / whole * 100) with ties to even, exactly (Python's round() on the paper's side).
int percent_half_even(std::int64_t part, std::int64_t whole) {
  const std::int64_t num = part * 100;  // GPU milli: far below overflow
  auto q = static_cast<std::int64_t>(num / whole);
  const auto twice_rem = 2 * (num % whole);
  if (twice_rem > whole || (twice_rem == whole && (q & 1))) ++q;
  return static_cast<int>(q);
}

double round2(double x) { return std::nearbyint(x * 100.0) / 100.0; }

} // namespace

std::vector<Job> fill_sequence(const std::vector<Job>& pods, std::int64_t capacity_gpu_milli, const FillOptions& options) {
  if (!(options.ratio >= 0) || !std::isfinite(options.ratio))
    throw std::invalid_argument("fill: ratio must be a finite number >= 0");
  std::vector<const Job*> by_id;
  by_id.reserve(pods.size());
  for (const auto& p : pods) by_id.push_back(&p);
  std::stable_sort(by_id.begin(), by_id.end(), [](const Job* a, const Job* b) { return a->id < b->id; });

  Rng rng(options.seed);
  std::vector<Job> seq;
  seq.reserve(pods.size() + pods.size() / 2);
  for (const Job* p : by_id) seq.push_back(*p);
  if (options.shuffle)
    for (std::size_t i = seq.size(); i > 1; --i) std::swap(seq[i - 1], seq[rng.below(i)]);

  std::int64_t total = 0;
  bool any_gpu = false;
  for (const auto& p : seq) {
    total += p.req.total_gpu_milli();
    any_gpu |= p.req.gpu_milli > 0;
  }
  if (by_id.empty() || !any_gpu) return seq;  // nothing to sample towards a GPU target
  const double target = options.ratio * static_cast<double>(capacity_gpu_milli);
  for (std::int64_t k = 1;; ++k) {
    const Job& c = *by_id[rng.below(by_id.size())];
    if (static_cast<double>(total + c.req.gpu_milli) > target) break;
    total += c.req.total_gpu_milli();
    seq.push_back(c);
    seq.back().id.push_back('~');
    seq.back().id += std::to_string(k);
  }
  return seq;
}

FillResult simulate_fill(ClusterState& cluster, const std::vector<Job>& sequence, policies::PlacementPolicy& policy,
                         const FragTarget& target, const std::function<void(const FillEvent&)>& on_event) {
  FragTracker tracker(target, cluster);
  FillResult res;
  res.capacity_gpu_milli = cluster.total_gpu_milli();
  const std::int64_t cap = res.capacity_gpu_milli;

  struct Bucket {
    double alloc = 0, ratio = 0, gpus = 0;
    std::int64_t n = 0;
  };
  std::vector<Bucket> buckets;
  std::int64_t arrived = 0;
  for (std::size_t i = 0; i < sequence.size(); ++i) {
    const Job& job = sequence[i];
    arrived += job.req.total_gpu_milli();
    FillEvent ev;
    ev.index = i;
    ev.job = &job;
    std::optional<Allocation> a;
    if (!cluster.could_ever_fit(job.req)) {
      ev.never_fits = true;
    } else if ((a = policy.place(job, cluster))) {
      check_answer(policy, job.req, *a, cluster, "pod " + job.id);
      cluster.allocate(*a);
      tracker.update(cluster, a->node);
      ev.alloc = &*a;
    }
    if (!ev.alloc) {
      ++res.failed;
      res.never_fit += ev.never_fits;
      if (arrived <= cap) ++res.failed_by_100;
    }
    ev.arrived_gpu_milli = arrived;
    ev.alloc_gpu_milli = cluster.alloc_gpu_milli();
    ev.frag_milli = tracker.frag_milli();
    ev.frag_ratio = tracker.frag_ratio(cluster);
    if (cap > 0) {
      const int k = percent_half_even(arrived, cap);
      if (k >= static_cast<int>(buckets.size())) buckets.resize(static_cast<std::size_t>(k) + 1);
      Bucket& b = buckets[static_cast<std::size_t>(k)];
      b.alloc += round2(100.0 * static_cast<double>(ev.alloc_gpu_milli) / static_cast<double>(cap));
      b.ratio += round2(100.0 * ev.frag_ratio);
      b.gpus += ev.frag_milli / 1000.0;
      ++b.n;
    }
    if (on_event) on_event(ev);
  }
  res.pods = static_cast<std::int64_t>(sequence.size());
  res.arrived_gpu_milli = arrived;
  res.alloc_gpu_milli = cluster.alloc_gpu_milli();
  res.frag_ratio = tracker.frag_ratio(cluster);
  res.frag_gpus = tracker.frag_gpus();

  for (std::size_t k = 0; k < buckets.size(); ++k) {
    Bucket sum = buckets[k];
    if (sum.n == 0)  // no event rounds to k: use the events at k-1..k+1
      for (std::size_t j = k == 0 ? 0 : k - 1; j <= k + 1 && j < buckets.size(); ++j) {
        sum.alloc += buckets[j].alloc;
        sum.ratio += buckets[j].ratio;
        sum.gpus += buckets[j].gpus;
        sum.n += buckets[j].n;
      }
    if (sum.n == 0) continue;
    const double n = static_cast<double>(sum.n);
    FillPoint p{static_cast<int>(k), round2(sum.alloc / n), round2(sum.ratio / n), round2(sum.gpus / n)};
    res.curve.push_back(p);
    if (p.arrived_pct == 100) res.at_100 = p;
  }
  return res;
}

FillResult run_fill(ClusterState& cluster, const std::vector<Job>& pods, policies::PlacementPolicy& policy,
                    const FragTarget& target, const FillOptions& options,
                    const std::function<void(const FillEvent&)>& on_event) {
  const auto seq = fill_sequence(pods, cluster.total_gpu_milli(), options);
  FillResult res = simulate_fill(cluster, seq, policy, target, on_event);
  res.sampled = static_cast<std::int64_t>(seq.size() - std::min(seq.size(), pods.size()));
  return res;
}

} // namespace fleetsim
