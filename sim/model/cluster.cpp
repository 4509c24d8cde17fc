#include "sim/model/cluster.hpp"

#include <algorithm>
#include <atomic>
#include <algorithm>
#include <stdexcept>

#include "sim/model/topology.hpp"

namespace fleetsim {

std::int64_t Allocation::total_gpu_milli() const {
  std::int64_t s = 0;
  for (const auto& g : gpus) s += g.milli;
  for (const auto& g : pool) s += g.milli;
  return s;
}

ClusterState ClusterState::from_spec(const ClusterSpec& spec, GpuModels& models) {
  ClusterState c;
  for (const auto& w : spec.switches) c.add_switch(w.name);
  for (std::size_t t = 0; t < spec.pools.size(); ++t) {
    const auto& pt = spec.pools[t];
    std::vector<int> reach;
    for (std::size_t w = 0; w < spec.switches.size(); ++w)
      for (const auto& name : spec.switches[w].pools)
        if (name == pt.name) reach.push_back(static_cast<int>(w));
    const int model = models.intern(pt.gpu_model);
    for (std::int64_t i = 0; i < pt.count; ++i)
      c.add_pool(pt.name + "-" + std::to_string(i), static_cast<int>(t), static_cast<int>(pt.gpus), model, reach,
                 pt.uplink_bandwidth_Bps);
  }
  for (std::size_t t = 0; t < spec.node_types.size(); ++t) {
    const auto& nt = spec.node_types[t];
    const int model = nt.gpus > 0 ? models.intern(nt.gpu_model) : -1;
    int sw = -1;
    for (std::size_t w = 0; w < spec.switches.size(); ++w)
      if (spec.switches[w].name == nt.fabric_switch) sw = static_cast<int>(w);
    for (std::int64_t i = 0; i < nt.count; ++i) {
      const int n = c.add_node(nt.name + "-" + std::to_string(i), static_cast<int>(t), nt.cpu_milli, nt.memory_mib,
                               static_cast<int>(nt.gpus), model);
      if (nt.fabric_ports > 0) c.set_fabric(n, static_cast<int>(nt.fabric_ports), sw);
    }
  }
  return c;
}

std::uint64_t ClusterState::next_stamp() {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

int ClusterState::alloc_kind(const Allocation& a) {
  if (a.gpus.empty()) return -1;
  if (a.gpus.size() == 1 && a.gpus[0].milli < 1000) return 0;
  return static_cast<int>(a.gpus.size());
}

int ClusterState::add_node(std::string name, int type, std::int64_t cpu_milli, std::int64_t memory_mib,
                           int gpu_count, int gpu_model) {
  Node nd{std::move(name), type, cpu_milli, memory_mib, gpu_count > 0 ? gpu_model : -1, num_local_gpus(), gpu_count};
  nodes_.push_back(std::move(nd));
  cpu_free_.push_back(cpu_milli);
  mem_free_.push_back(memory_mib);
  gpu_free_.insert(gpu_free_.end(), static_cast<std::size_t>(gpu_count), 1000);
  free_whole_.push_back(gpu_count);
  gpu_free_sum_.push_back(std::int64_t(gpu_count) * 1000);
  stamp_.push_back(next_stamp());
  kinds_.insert(kinds_.end(), static_cast<std::size_t>(std::max(gpu_count, 0)) + 1, 0);
  total_cpu_ += cpu_milli;
  total_mem_ += memory_mib;
  max_cpu_ = std::max(max_cpu_, cpu_milli);
  max_mem_ = std::max(max_mem_, memory_mib);
  max_gpus_ = std::max(max_gpus_, gpu_count);
  free_whole_total_ += gpu_count;
  attached_.emplace_back();
  const Shape s{cpu_milli, memory_mib, gpu_count, gpu_count > 0 ? gpu_model : -1, 0, -1};
  bool known = false;
  for (const auto& o : shapes_)
    known |= o.cpu_milli == s.cpu_milli && o.memory_mib == s.memory_mib && o.gpu_count == s.gpu_count &&
             o.gpu_model == s.gpu_model && o.fabric_ports == 0 && o.fabric_switch == -1;
  if (!known) shapes_.push_back(s);
  return num_nodes() - 1;
}

int ClusterState::add_switch(std::string name) {
  switch_names_.push_back(std::move(name));
  switch_pools_.emplace_back();
  switch_idle_.push_back(0);
  return num_switches() - 1;
}

int ClusterState::add_pool(std::string name, int type, int gpu_count, int gpu_model, const std::vector<int>& switches,
                           double uplink_Bps) {
  const int p = num_pools();
  pools_.push_back(Pool{std::move(name), type, gpu_model, num_pool_gpus(), gpu_count, uplink_Bps});
  pgpu_free_.insert(pgpu_free_.end(), static_cast<std::size_t>(gpu_count), 1000);
  pgpu_node_.insert(pgpu_node_.end(), static_cast<std::size_t>(gpu_count), -1);
  pgpu_pool_.insert(pgpu_pool_.end(), static_cast<std::size_t>(gpu_count), p);
  unattached_.push_back(gpu_count);
  idle_attached_.push_back(0);
  free_whole_total_ += gpu_count;
  pool_switches_.push_back(switches);
  for (int w : switches) {
    switch_pools_.at(static_cast<std::size_t>(w)).push_back(p);
    switch_idle_[static_cast<std::size_t>(w)] += gpu_count;
  }
  return p;
}

void ClusterState::set_fabric(int n, int ports, int sw) {
  Node& nd = nodes_.at(static_cast<std::size_t>(n));
  nd.fabric_ports = ports;
  nd.fabric_switch = sw;
  const Shape s{nd.cpu_milli, nd.memory_mib, nd.gpu_count, nd.gpu_model, ports, sw};
  for (const auto& o : shapes_)
    if (o.cpu_milli == s.cpu_milli && o.memory_mib == s.memory_mib && o.gpu_count == s.gpu_count &&
        o.gpu_model == s.gpu_model && o.fabric_ports == ports && o.fabric_switch == sw)
      return;
  shapes_.push_back(s);
}

bool ClusterState::pool_reachable(int n, int p) const {
  const int w = node(n).fabric_switch;
  if (w < 0) return false;
  for (int q : switch_pools(w))
    if (q == p) return true;
  return false;
}

void ClusterState::pool_gpu_set(int g, std::int32_t free, int nd) {
  const auto i = static_cast<std::size_t>(g);
  const auto p = static_cast<std::size_t>(pgpu_pool_[i]);
  auto bucket = [&](std::int32_t f, int on) -> int* {
    if (f != 1000) return nullptr;
    return on < 0 ? &unattached_[p] : &idle_attached_[p];
  };
  const int was_idle = pgpu_free_[i] == 1000, now_idle = free == 1000;
  if (int* b = bucket(pgpu_free_[i], pgpu_node_[i])) --*b;
  pgpu_free_[i] = free;
  pgpu_node_[i] = nd;
  if (int* b = bucket(free, nd)) ++*b;
  free_whole_total_ += now_idle - was_idle;
  if (now_idle != was_idle)
    for (int w : pool_switches_[p]) switch_idle_[static_cast<std::size_t>(w)] += now_idle - was_idle;
}

int ClusterState::pool_gpus_available(int n, std::int32_t gpu_milli, std::uint64_t mask) const {
  const Node& nd = node(n);
  if (nd.fabric_switch < 0) return 0;
  auto model_ok = [&](int p) {
    return model_matches(mask, pools_[static_cast<std::size_t>(p)].gpu_model);
  };
  int attached_ok = 0, attached_idle = 0;
  for (int g : attached_gpus(n)) {
    if (!model_ok(pool_of(g))) continue;
    attached_ok += pool_gpu_free(g) >= gpu_milli;
    attached_idle += pool_gpu_free(g) == 1000;
  }
  int idle_reachable = 0;
  if (mask == 0) {
    idle_reachable = switch_idle_[static_cast<std::size_t>(nd.fabric_switch)];
  } else {
    for (int p : switch_pools(nd.fabric_switch))
      if (model_ok(p)) idle_reachable += unattached_[static_cast<std::size_t>(p)] + idle_attached_[static_cast<std::size_t>(p)];
  }
  // n's own idle GPUs are counted among the attached ones, not among those it could attach.
  return attached_ok + std::min(free_ports(n), idle_reachable - attached_idle);
}

bool ClusterState::model_allowed(int n, std::uint64_t mask) const {
  if (mask == 0) return true;  // CPU-only nodes included: a request without GPUs goes anywhere
  return model_matches(mask, node(n).gpu_model);
}

bool ClusterState::fits(int n, const Request& req) const {
  const auto i = static_cast<std::size_t>(n);
  if (req.cpu_milli > cpu_free_[i] || req.memory_mib > mem_free_[i]) return false;
  if (req.num_gpu == 0) return true;
  if (local_gpus_fit(n, req)) return true;
  // A job's GPUs are all local or all pooled (so its traffic has one kind of route).
  return nodes_[i].fabric_switch >= 0 && pool_gpus_available(n, req.gpu_milli, req.model_mask) >= req.num_gpu;
}

bool ClusterState::local_gpus_fit(int n, const Request& req) const {
  const auto i = static_cast<std::size_t>(n);
  if (!model_allowed(n, req.model_mask)) return false;
  if (req.gpu_milli >= 1000) return free_whole_[i] >= req.num_gpu;
  if (gpu_free_sum_[i] < req.total_gpu_milli()) return false;
  int ok = 0;
  for (auto f : gpu_free(n))
    if (f >= req.gpu_milli && ++ok >= req.num_gpu) return true;
  return false;
}

bool ClusterState::fits_empty(int n, const Request& req) const {
  const Node& nd = node(n);
  if (req.cpu_milli > nd.cpu_milli || req.memory_mib > nd.memory_mib) return false;
  if (req.num_gpu == 0) return true;
  if (req.gpu_milli > 1000) return false;
  if (model_allowed(n, req.model_mask) && nd.gpu_count >= req.num_gpu) return true;
  return nd.fabric_switch >= 0 && pool_capacity(nd.fabric_switch, nd.fabric_ports, req.model_mask) >= req.num_gpu;
}

int ClusterState::pool_capacity(int sw, int ports, std::uint64_t mask) const {
  int reachable = 0;
  for (int p : switch_pools(sw)) {
    const Pool& pl = pools_[static_cast<std::size_t>(p)];
    if (model_matches(mask, pl.gpu_model)) reachable += pl.gpu_count;
  }
  return std::min(ports, reachable);
}

bool ClusterState::could_ever_fit(const Request& req) const {
  for (const auto& s : shapes_) {
    if (req.cpu_milli > s.cpu_milli || req.memory_mib > s.memory_mib) continue;
    if (req.num_gpu == 0) return true;
    if (req.gpu_milli > 1000) continue;
    if (s.gpu_count >= req.num_gpu && model_matches(req.model_mask, s.gpu_model)) return true;
    if (s.fabric_switch >= 0 && pool_capacity(s.fabric_switch, s.fabric_ports, req.model_mask) >= req.num_gpu)
      return true;
  }
  return false;
}

void ClusterState::validate(const Allocation& a, bool releasing) const {
  auto fail = [&](const std::string& what) {
    throw std::logic_error(std::string(releasing ? "release" : "allocate") + " on node " +
                           std::to_string(a.node) + ": " + what);
  };
  if (a.node < 0 || a.node >= num_nodes()) fail("no such node");
  if (a.cpu_milli < 0 || a.memory_mib < 0) fail("negative request");
  const auto i = static_cast<std::size_t>(a.node);
  const Node& nd = nodes_[i];
  if (releasing) {
    if (cpu_free_[i] + a.cpu_milli > nd.cpu_milli) fail("CPU released beyond capacity");
    if (mem_free_[i] + a.memory_mib > nd.memory_mib) fail("memory released beyond capacity");
  } else {
    if (a.cpu_milli > cpu_free_[i]) fail("CPU over-allocated");
    if (a.memory_mib > mem_free_[i]) fail("memory over-allocated");
  }
  for (std::size_t k = 0; k < a.gpus.size(); ++k) {
    const auto& g = a.gpus[k];
    if (g.gpu < 0 || g.gpu >= nd.gpu_count) fail("no GPU " + std::to_string(g.gpu));
    if (g.milli <= 0 || g.milli > 1000) fail("GPU share out of (0, 1000]");
    for (std::size_t j = 0; j < k; ++j)
      if (a.gpus[j].gpu == g.gpu) fail("GPU " + std::to_string(g.gpu) + " listed twice");
    const auto f = gpu_free_[static_cast<std::size_t>(nd.gpu_begin + g.gpu)];
    if (releasing ? f + g.milli > 1000 : g.milli > f)
      fail("GPU " + std::to_string(g.gpu) + (releasing ? " released beyond capacity" : " over-allocated"));
  }
  if (a.pool.empty() && a.attach.empty()) return;
  // Pooled GPUs: attachments first (reachable, idle, within the node's ports), then shares.
  if (releasing && !a.attach.empty()) {
    // attach lists what the allocation attached; a release does not detach.
  } else if (!releasing) {
    int newly = 0;
    for (std::size_t k = 0; k < a.attach.size(); ++k) {
      const int g = a.attach[k];
      const std::string name = "pooled GPU " + std::to_string(g);
      if (g < 0 || g >= num_pool_gpus()) fail("no " + name);
      for (std::size_t j = 0; j < k; ++j)
        if (a.attach[j] == g) fail(name + " attached twice");
      if (!pool_reachable(a.node, pool_of(g))) fail(name + " is in a pool the node's switch does not reach");
      if (pool_gpu_attached(g) == a.node) fail(name + " is already attached to the node");
      if (pool_gpu_free(g) != 1000) fail(name + " is in use on another node");
      ++newly;
    }
    if (newly > free_ports(a.node)) fail("more pooled GPUs than free fabric ports");
  }
  for (std::size_t k = 0; k < a.pool.size(); ++k) {
    const auto& g = a.pool[k];
    const std::string name = "pooled GPU " + std::to_string(g.gpu);
    if (g.gpu < 0 || g.gpu >= num_pool_gpus()) fail("no " + name);
    if (g.milli <= 0 || g.milli > 1000) fail("GPU share out of (0, 1000]");
    for (std::size_t j = 0; j < k; ++j)
      if (a.pool[j].gpu == g.gpu) fail(name + " listed twice");
    bool attaching = false;
    for (int x : a.attach) attaching |= x == g.gpu;
    if (pool_gpu_attached(g.gpu) != a.node && !(attaching && !releasing)) fail(name + " is not attached to the node");
    const auto f = attaching && !releasing ? 1000 : pool_gpu_free(g.gpu);
    if (releasing ? f + g.milli > 1000 : g.milli > f)
      fail(name + (releasing ? " released beyond capacity" : " over-allocated"));
  }
}

int ClusterState::allocate(const Allocation& a) {
  validate(a, false);
  const auto i = static_cast<std::size_t>(a.node);
  stamp_[i] = next_stamp();
  int detached = 0;
  for (int g : a.attach) {
    if (const int m = pool_gpu_attached(g); m >= 0) {  // re-composition: detach from m first
      auto& list = attached_[static_cast<std::size_t>(m)];
      list.erase(std::find(list.begin(), list.end(), g));
      stamp_[static_cast<std::size_t>(m)] = next_stamp();
      ++detached;
    }
    attached_[i].push_back(g);
    pool_gpu_set(g, pool_gpu_free(g), a.node);
  }
  for (const auto& g : a.pool) {
    pool_gpu_set(g.gpu, pool_gpu_free(g.gpu) - g.milli, a.node);
    alloc_gpu_ += g.milli;
  }
  if (const int k = alloc_kind(a); k >= 0) ++kinds_[static_cast<std::size_t>(nodes_[i].gpu_begin + a.node + k)];
  cpu_free_[i] -= a.cpu_milli;
  mem_free_[i] -= a.memory_mib;
  alloc_cpu_ += a.cpu_milli;
  alloc_mem_ += a.memory_mib;
  for (const auto& g : a.gpus) {
    auto& f = gpu_free_[static_cast<std::size_t>(nodes_[i].gpu_begin + g.gpu)];
    if (f == 1000) { --free_whole_[i]; --free_whole_total_; }
    f -= g.milli;
    gpu_free_sum_[i] -= g.milli;
    alloc_gpu_ += g.milli;
  }
  return detached;
}

void ClusterState::release(const Allocation& a) {
  validate(a, true);
  const auto i = static_cast<std::size_t>(a.node);
  stamp_[i] = next_stamp();
  if (const int k = alloc_kind(a); k >= 0) {
    auto& c = kinds_[static_cast<std::size_t>(nodes_[i].gpu_begin + a.node + k)];
    if (c > 0) --c;  // a release the kinds never saw (e.g. hand-made in a test) leaves them at 0
  }
  cpu_free_[i] += a.cpu_milli;
  mem_free_[i] += a.memory_mib;
  alloc_cpu_ -= a.cpu_milli;
  alloc_mem_ -= a.memory_mib;
  for (const auto& g : a.gpus) {
    auto& f = gpu_free_[static_cast<std::size_t>(nodes_[i].gpu_begin + g.gpu)];
    f += g.milli;
    if (f == 1000) { ++free_whole_[i]; ++free_whole_total_; }
    gpu_free_sum_[i] += g.milli;
    alloc_gpu_ -= g.milli;
  }
  for (const auto& g : a.pool) {
    pool_gpu_set(g.gpu, pool_gpu_free(g.gpu) + g.milli, a.node);
    alloc_gpu_ -= g.milli;
  }
}

void ClusterState::check_invariants() const {
  auto fail = [](const std::string& what) { throw std::logic_error("cluster invariant: " + what); };
  std::int64_t cpu = 0, mem = 0, gpu = 0;
  int whole_total = 0;
  for (int n = 0; n < num_nodes(); ++n) {
    const auto i = static_cast<std::size_t>(n);
    const Node& nd = nodes_[i];
    const std::string at = " on node " + nd.name;
    if (cpu_free_[i] < 0 || cpu_free_[i] > nd.cpu_milli) fail("free CPU out of range" + at);
    if (mem_free_[i] < 0 || mem_free_[i] > nd.memory_mib) fail("free memory out of range" + at);
    cpu += nd.cpu_milli - cpu_free_[i];
    mem += nd.memory_mib - mem_free_[i];
    int whole = 0;
    std::int64_t sum = 0;
    for (auto f : gpu_free(n)) {
      if (f < 0 || f > 1000) fail("GPU free milli out of [0, 1000]" + at);
      whole += f == 1000;
      sum += f;
      gpu += 1000 - f;
    }
    if (whole != free_whole_[i]) fail("free whole-GPU count out of step" + at);
    if (sum != gpu_free_sum_[i]) fail("free GPU milli sum out of step" + at);
    whole_total += whole;
  }
  std::vector<int> unattached(pools_.size(), 0), idle_attached(pools_.size(), 0);
  for (int g = 0; g < num_pool_gpus(); ++g) {
    const auto f = pool_gpu_free(g);
    const int on = pool_gpu_attached(g);
    const std::string at = " on pooled GPU " + std::to_string(g);
    if (f < 0 || f > 1000) fail("GPU free milli out of [0, 1000]" + at);
    if (on < 0 && f != 1000) fail("an unattached GPU is in use" + at);
    if (on >= 0) {
      const auto& list = attached_gpus(on);
      if (std::count(list.begin(), list.end(), g) != 1) fail("attachment lists out of step" + at);
      if (!pool_reachable(on, pool_of(g))) fail("attached to a node that cannot reach its pool" + at);
    }
    gpu += 1000 - f;
    whole_total += f == 1000;
    if (f == 1000) ++(on < 0 ? unattached : idle_attached)[static_cast<std::size_t>(pool_of(g))];
  }
  for (int n = 0; n < num_nodes(); ++n) {
    if (static_cast<int>(attached_gpus(n).size()) > node(n).fabric_ports) fail("more GPUs attached than ports on node " + node(n).name);
    for (int g : attached_gpus(n))
      if (pool_gpu_attached(g) != n) fail("attachment lists out of step on node " + node(n).name);
  }
  if (unattached != unattached_ || idle_attached != idle_attached_) fail("pool idle counts out of step");
  for (int w = 0; w < num_switches(); ++w) {
    int idle = 0;
    for (int p : switch_pools(w)) idle += unattached[static_cast<std::size_t>(p)] + idle_attached[static_cast<std::size_t>(p)];
    if (idle != switch_idle_[static_cast<std::size_t>(w)]) fail("switch idle count out of step on " + switch_name(w));
  }
  if (cpu != alloc_cpu_) fail("allocated CPU total out of step");
  if (mem != alloc_mem_) fail("allocated memory total out of step");
  if (gpu != alloc_gpu_) fail("allocated GPU total out of step");
  if (whole_total != free_whole_total_) fail("cluster free whole-GPU count out of step");
}

bool ClusterState::empty() const { return alloc_cpu_ == 0 && alloc_mem_ == 0 && alloc_gpu_ == 0; }

} // namespace fleetsim
