#include "sim/measure/stranded.hpp"

#include <algorithm>

namespace fleetsim {

StrandedTracker::StrandedTracker(const ClusterState& c, const std::vector<Job>& jobs)
    : local_(static_cast<std::size_t>(c.num_nodes()), 0), able_(static_cast<std::size_t>(c.num_nodes()), 0),
      able_per_switch_(static_cast<std::size_t>(c.num_switches()), 0),
      pool_switches_(static_cast<std::size_t>(c.num_pools())) {
  std::vector<std::pair<std::int64_t, std::int64_t>> all;
  for (const auto& j : jobs)
    if (j.req.num_gpu > 0) all.emplace_back(j.req.cpu_milli / j.req.num_gpu, j.req.memory_mib / j.req.num_gpu);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  // Pareto-minimal: sorted by CPU, keep each share whose memory is below every earlier one's.
  for (const auto& s : all)
    if (shares_.empty() || s.second < shares_.back().second) shares_.push_back(s);
  for (int w = 0; w < c.num_switches(); ++w)
    for (int p : c.switch_pools(w)) pool_switches_[static_cast<std::size_t>(p)].push_back(w);
  for (int n = 0; n < c.num_nodes(); ++n) update(c, n);
}

bool StrandedTracker::serves(const ClusterState& c, int n) const {
  for (const auto& [cpu, mem] : shares_)
    if (c.free_cpu_milli(n) >= cpu && c.free_memory_mib(n) >= mem) return true;
  return false;
}

void StrandedTracker::update(const ClusterState& c, int n) {
  const auto i = static_cast<std::size_t>(n);
  const bool ok = serves(c, n);
  const int local = ok ? 0 : c.free_whole_gpus(n);
  local_total_ += local - local_[i];
  local_[i] = local;
  const int w = c.node(n).fabric_switch;
  if (w < 0) return;
  bool idle_attached = false;
  for (int g : c.attached_gpus(n)) idle_attached |= c.pool_gpu_free(g) == 1000;
  const char able = ok && (c.free_ports(n) > 0 || idle_attached);
  able_per_switch_[static_cast<std::size_t>(w)] += able - able_[i];
  able_[i] = able;
}

int StrandedTracker::stranded(const ClusterState& c) const {
  if (shares_.empty()) return 0;  // no GPU job: nothing to strand a GPU for
  int total = local_total_;
  for (int p = 0; p < c.num_pools(); ++p) {
    bool reachable = false;
    for (int w : pool_switches_[static_cast<std::size_t>(p)]) reachable |= able_per_switch_[static_cast<std::size_t>(w)] > 0;
    if (!reachable) total += c.pool_unattached(p) + c.pool_idle_attached(p);
  }
  return total;
}

} // namespace fleetsim
