// FGD fragmentation: target workloads, the node fragment F_n, and an incremental tracker.
#include "sim/measure/fragmentation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

namespace fleetsim {

FragTarget::FragTarget(std::vector<TargetShape> shapes) : shapes_(std::move(shapes)) {
  if (shapes_.empty()) throw std::invalid_argument("fragmentation target: no shapes");
  double sum = 0;
  for (const auto& s : shapes_) {
    if (!std::isfinite(s.weight) || s.weight < 0)
      throw std::invalid_argument("fragmentation target: weights must be finite and non-negative");
    if (s.cpu_milli < 0 || s.num_gpu < 0 || s.gpu_milli < 0 || s.gpu_milli > 1000)
      throw std::invalid_argument("fragmentation target: shape out of range");
    sum += s.weight;
  }
  if (!(sum > 0)) throw std::invalid_argument("fragmentation target: all weights are 0");
  for (auto& s : shapes_) s.weight /= sum;
  prepare();
}

FragTarget FragTarget::popular(const std::vector<Job>& jobs, double coverage_pct, bool include_cpu_only) {
  if (!(coverage_pct > 0 && coverage_pct <= 100))
    throw std::invalid_argument("fragmentation target: coverage must be in (0, 100] percent");
  using Key = std::tuple<std::int64_t, std::int32_t, std::int32_t, std::uint64_t>;  // cpu, gpu_milli, num_gpu, mask
  std::map<Key, std::int64_t> counts;
  std::int64_t total = 0;
  for (const auto& j : jobs) {
    const auto& r = j.req;
    const bool cpu_only = r.num_gpu == 0 || r.gpu_milli == 0;
    if (cpu_only && !include_cpu_only) continue;
    ++counts[cpu_only ? Key{r.cpu_milli, 0, 0, 0} : Key{r.cpu_milli, r.gpu_milli, r.num_gpu, r.model_mask}];
    ++total;
  }
  if (total == 0) throw std::invalid_argument("fragmentation target: no tasks to derive shapes from");
  std::vector<std::pair<Key, std::int64_t>> order(counts.begin(), counts.end());
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first > b.first;
  });
  // The paper's rule (GetTypicalPods): add shapes while the covered count is below the threshold.
  const double expected = coverage_pct * static_cast<double>(total) / 100.0;
  std::vector<TargetShape> shapes;
  std::int64_t covered = 0;
  for (const auto& [key, count] : order) {
    if (static_cast<double>(covered) >= expected) break;
    TargetShape s;
    std::tie(s.cpu_milli, s.gpu_milli, s.num_gpu, s.model_mask) = key;
    s.count = count;
    s.weight = static_cast<double>(count);
    shapes.push_back(s);
    covered += count;
  }
  return FragTarget(std::move(shapes));
}

void FragTarget::prepare() {
  groups_.clear();
  members_.clear();
  cpu_only_weight_ = 0;
  // Group GPU shapes by (gpu_milli, mask): one pass over a node's GPUs serves the whole group.
  std::map<std::pair<std::int32_t, std::uint64_t>, std::vector<Member>> by;
  for (const auto& s : shapes_) {
    if (s.gpu_milli == 0 || s.num_gpu == 0) cpu_only_weight_ += s.weight;
    else by[{s.gpu_milli, s.model_mask}].push_back({s.cpu_milli, s.num_gpu, s.weight});
  }
  for (const auto& [key, members] : by) {
    Group g{key.first, key.second, static_cast<std::uint32_t>(members_.size()), 0};
    members_.insert(members_.end(), members.begin(), members.end());
    g.end = static_cast<std::uint32_t>(members_.size());
    groups_.push_back(g);
  }
}

double FragTarget::node_fragment(std::int64_t cpu_free_milli, std::span<const std::int32_t> gpu_free,
                                 int gpu_model) const {
  std::int64_t idle = 0;
  for (auto f : gpu_free) idle += f;
  if (idle == 0) return 0.0;
  const double idle_d = static_cast<double>(idle);
  double frag = cpu_only_weight_ * idle_d;
  for (const auto& g : groups_) {
    const bool access = g.model_mask == 0 || model_matches(g.model_mask, gpu_model);
    std::int32_t fit = 0;
    std::int64_t small = 0;  // free milli on GPUs too small for the group's per-GPU request
    if (access)
      for (auto f : gpu_free) {
        if (f >= g.gpu_milli) ++fit;
        else small += f;
      }
    const double small_d = static_cast<double>(small);
    for (auto m = g.begin; m < g.end; ++m) {
      const Member& s = members_[m];
      const bool runs = access && fit >= s.num_gpu && cpu_free_milli >= s.cpu_milli;
      frag += s.weight * (runs ? small_d : idle_d);
    }
  }
  return frag;
}

double FragTarget::node_fragment(const ClusterState& cluster, int n) const {
  return node_fragment(cluster.free_cpu_milli(n), cluster.gpu_free(n), cluster.node(n).gpu_model);
}

FragTracker::FragTracker(const FragTarget& target, const ClusterState& cluster)
    : target_(target),
      frag_(static_cast<std::size_t>(cluster.num_nodes()), 0.0),
      stamp_(static_cast<std::size_t>(cluster.num_nodes()), 0) {
  for (int n = 0; n < cluster.num_nodes(); ++n) {
    frag_[static_cast<std::size_t>(n)] = target_.node_fragment(cluster, n);
    stamp_[static_cast<std::size_t>(n)] = cluster.node_stamp(n);
    total_ += frag_[static_cast<std::size_t>(n)];
  }
}

void FragTracker::update(const ClusterState& cluster, int n) {
  const auto i = static_cast<std::size_t>(n);
  const double f = target_.node_fragment(cluster, n);
  total_ += f - frag_[i];
  frag_[i] = f;
  stamp_[i] = cluster.node_stamp(n);
  if (total_ < 0) total_ = 0;  // rounding residue once everything is full
}

void FragTracker::sync(const ClusterState& cluster) {
  for (int n = 0; n < cluster.num_nodes(); ++n)
    if (stamp_[static_cast<std::size_t>(n)] != cluster.node_stamp(n)) update(cluster, n);
}

double FragTracker::frag_ratio(const ClusterState& cluster) const {
  const auto idle = cluster.total_gpu_milli() - cluster.alloc_gpu_milli();
  return idle > 0 ? total_ / static_cast<double>(idle) : 0.0;
}

} // namespace fleetsim
