#include "sim/model/cluster.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "sim/model/mig_catalog.hpp"
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
  if (mig_) add_mig_layouts(num_nodes() - 1);
  return num_nodes() - 1;
}

void ClusterState::add_mig_layouts(int n) {
  const Node& nd = node(n);
  const bool on = mig_->geometry(nd.gpu_model) != nullptr && nd.gpu_count > 0;
  mig_first_.push_back(on ? static_cast<std::int32_t>(mig_layouts_.size()) : -1);
  if (on) mig_layouts_.resize(mig_layouts_.size() + static_cast<std::size_t>(nd.gpu_count));
}

void ClusterState::enable_mig(const MigCatalog* cat) {
  if (cat == mig_) return;
  if (mig_) throw std::logic_error("enable_mig: MIG is already enabled with another catalog");
  if (!empty()) throw std::logic_error("enable_mig: the cluster holds allocations");
  mig_ = cat;
  for (int n = 0; n < num_nodes(); ++n) add_mig_layouts(n);
  for (auto& st : stamp_) st = next_stamp();  // what fits where has changed
}

const mig::Geometry* ClusterState::mig_geometry(int n) const {
  return mig_ && mig_first_[static_cast<std::size_t>(n)] >= 0 ? mig_->geometry(node(n).gpu_model) : nullptr;
}

int ClusterState::mig_profile(int n, int profile) const {
  return mig_geometry(n) ? mig_->profile_index(node(n).gpu_model, profile) : -1;
}

int ClusterState::mig_room(int n, const Request& req, int need) const {
  const mig::Geometry* g = mig_geometry(n);
  const int p = mig_profile(n, req.mig);
  if (!g || p < 0 || !model_matches(req.model_mask, node(n).gpu_model)) return 0;
  // Each GPU takes instances where GpuLayout::plan puts them, independently of the others.
  int room = 0;
  for (const auto& layout : mig_layouts(n)) {
    if (!layout.plan(*g, p)) continue;
    mig::GpuLayout trial = layout;
    while (room < need) {
      const auto pl = trial.plan(*g, p);
      if (!pl) break;
      trial.apply(*g, p, *pl);
      ++room;
    }
    if (room >= need) break;
  }
  return room;
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

// The hot path of every placement scan: kept small so the compiler inlines it into fits().
inline bool ClusterState::plain_gpus_fit(int n, const Request& req) const {
  const auto i = static_cast<std::size_t>(n);
  if (!model_allowed(n, req.model_mask)) return false;
  if (req.gpu_milli >= 1000) return free_whole_[i] >= req.num_gpu;
  if (gpu_free_sum_[i] < req.total_gpu_milli()) return false;
  int ok = 0;
  for (auto f : gpu_free(n))
    if (f >= req.gpu_milli && ++ok >= req.num_gpu) return true;
  return false;
}

bool ClusterState::fits(int n, const Request& req) const {
  const auto i = static_cast<std::size_t>(n);
  if (req.cpu_milli > cpu_free_[i] || req.memory_mib > mem_free_[i]) return false;
  if (req.mig >= 0) return local_gpus_fit(n, req);
  if (req.num_gpu == 0) return true;
  if (plain_gpus_fit(n, req)) return true;
  // A job's GPUs are all local or all pooled (so its traffic has one kind of route).
  return nodes_[i].fabric_switch >= 0 && pool_gpus_available(n, req.gpu_milli, req.model_mask) >= req.num_gpu;
}

bool ClusterState::local_gpus_fit(int n, const Request& req) const {
  if (req.mig >= 0) return req.num_gpu >= 1 && mig_room(n, req, req.num_gpu) >= req.num_gpu;
  return plain_gpus_fit(n, req);
}

bool ClusterState::fits_empty(int n, const Request& req) const {
  const Node& nd = node(n);
  if (req.mig >= 0) return mig_geometry(n) && mig_fits_empty(nd, *mig_, req);
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
  if (req.mig >= 0) return mig_ && mig_could_ever_fit(*this, *mig_, req);
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
  if (const mig::Geometry* geo = mig_geometry(a.node)) {
    // MIG-enabled GPUs hold MIG instances only, each GPU's share the sum of its instances' charges.
    if (a.mig.empty() && !a.gpus.empty()) fail("GPU shares on MIG-enabled GPUs without MIG instances");
    if (!a.pool.empty() || !a.attach.empty()) fail("pooled GPUs with MIG instances");
    for (const auto& m : a.mig) {
      if (m.gpu < 0 || m.gpu >= nd.gpu_count) fail("MIG instance on no GPU " + std::to_string(m.gpu));
      if (m.profile < 0 || m.profile >= static_cast<int>(geo->profiles.size()))
        fail("MIG instance of no profile " + std::to_string(m.profile));
      if (std::none_of(a.gpus.begin(), a.gpus.end(), [&](const GpuShare& g) { return g.gpu == m.gpu; }))
        fail("MIG instance on GPU " + std::to_string(m.gpu) + " without a share of it");
    }
    for (const auto& g : a.gpus) {
      std::int32_t charged = 0;
      for (const auto& m : a.mig)
        if (m.gpu == g.gpu) charged += geo->milli(m.profile, m.start);
      if (charged != g.milli)
        fail("GPU " + std::to_string(g.gpu) + " share of " + std::to_string(g.milli) + " milli is not its MIG instances' " +
             std::to_string(charged));
    }
  } else if (!a.mig.empty()) {
    fail("MIG instances on GPUs that are not MIG-enabled");
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

ClusterState::MigTrial ClusterState::mig_trial(const Allocation& a, bool releasing) const {
  MigTrial t;
  if (a.mig.empty()) return t;
  const mig::Geometry& geo = *mig_geometry(a.node);  // validate() checked it
  const auto first = static_cast<std::size_t>(mig_first_[static_cast<std::size_t>(a.node)]);
  for (const auto& m : a.mig) {
    const std::size_t at = first + static_cast<std::size_t>(m.gpu);
    auto it = std::find_if(t.layouts.begin(), t.layouts.end(), [&](const auto& l) { return l.first == at; });
    if (it == t.layouts.end()) it = t.layouts.insert(t.layouts.end(), {at, mig_layouts_[at]});
    auto fail = [&](const char* why) {
      throw std::logic_error(std::string(releasing ? "release" : "allocate") + " on node " + std::to_string(a.node) +
                             ": MIG instance " + geo.profiles[static_cast<std::size_t>(m.profile)].name + " at slice " +
                             std::to_string(m.start) + " of GPU " + std::to_string(m.gpu) + why);
    };
    if (releasing) {
      try {
        it->second.release(geo, m.profile, m.start);
      } catch (const std::logic_error&) {
        fail(" is not in use");
      }
      continue;
    }
    const auto plan = it->second.plan_at(geo, m.profile, m.start);
    if (!plan) fail(" cannot be placed there now");
    t.destroyed += static_cast<std::uint64_t>(it->second.apply(geo, m.profile, *plan));
    ++(plan->reuse ? t.reused : t.created);
  }
  return t;
}

int ClusterState::allocate(const Allocation& a) {
  validate(a, false);
  MigTrial trial = mig_trial(a, false);
  const auto i = static_cast<std::size_t>(a.node);
  stamp_[i] = next_stamp();
  for (auto& [at, layout] : trial.layouts) mig_layouts_[at] = std::move(layout);
  mig_created_ += trial.created;
  mig_reused_ += trial.reused;
  mig_destroyed_ += trial.destroyed;
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
  MigTrial trial = mig_trial(a, true);
  const auto i = static_cast<std::size_t>(a.node);
  stamp_[i] = next_stamp();
  for (auto& [at, layout] : trial.layouts) mig_layouts_[at] = std::move(layout);
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
    if (const mig::Geometry* g = mig_geometry(n)) {
      const auto layouts = mig_layouts(n);
      for (int k = 0; k < nd.gpu_count; ++k) {
        std::vector<std::pair<int, int>> all;
        std::int32_t charged = 0;
        for (const auto& in : layouts[static_cast<std::size_t>(k)].instances()) {
          all.emplace_back(in.profile, in.start);
          if (in.used) charged += g->milli(in.profile, in.start);
        }
        const std::string gpu = " on GPU " + std::to_string(k) + at;
        if (const auto why = mig::layout_error(*g, all); !why.empty()) fail("MIG layout invalid (" + why + ")" + gpu);
        if (1000 - gpu_free(n)[static_cast<std::size_t>(k)] != charged)
          fail("allocated milli is not the MIG instances' charges" + gpu);
      }
    }
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
