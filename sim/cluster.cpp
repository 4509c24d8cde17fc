#include "sim/cluster.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "sim/scenario.hpp"

namespace fleetsim {

std::int64_t Allocation::total_gpu_milli() const {
  std::int64_t s = 0;
  for (const auto& g : gpus) s += g.milli;
  return s;
}

ClusterState ClusterState::from_spec(const ClusterSpec& spec, GpuModels& models) {
  ClusterState c;
  for (std::size_t t = 0; t < spec.node_types.size(); ++t) {
    const auto& nt = spec.node_types[t];
    const int model = nt.gpus > 0 ? models.intern(nt.gpu_model) : -1;
    for (std::int64_t i = 0; i < nt.count; ++i)
      c.add_node(nt.name + "-" + std::to_string(i), static_cast<int>(t), nt.cpu_milli, nt.memory_mib,
                 static_cast<int>(nt.gpus), model);
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
  Node nd{std::move(name), type, cpu_milli, memory_mib, gpu_count > 0 ? gpu_model : -1, num_gpus(), gpu_count};
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
  free_whole_total_ += gpu_count;
  const Shape s{cpu_milli, memory_mib, gpu_count, gpu_count > 0 ? gpu_model : -1};
  bool known = false;
  for (const auto& o : shapes_)
    known |= o.cpu_milli == s.cpu_milli && o.memory_mib == s.memory_mib && o.gpu_count == s.gpu_count &&
             o.gpu_model == s.gpu_model;
  if (!known) shapes_.push_back(s);
  return num_nodes() - 1;
}

bool ClusterState::model_allowed(int n, std::uint64_t mask) const {
  if (mask == 0) return true;
  const int m = node(n).gpu_model;
  return m >= 0 && ((mask >> m) & 1u);
}

bool ClusterState::fits(int n, const Request& req) const {
  const auto i = static_cast<std::size_t>(n);
  if (req.cpu_milli > cpu_free_[i] || req.memory_mib > mem_free_[i]) return false;
  if (req.num_gpu == 0) return true;
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
  return model_allowed(n, req.model_mask) && nd.gpu_count >= req.num_gpu && req.gpu_milli <= 1000;
}

bool ClusterState::could_ever_fit(const Request& req) const {
  for (const auto& s : shapes_) {
    if (req.cpu_milli > s.cpu_milli || req.memory_mib > s.memory_mib) continue;
    if (req.num_gpu == 0) return true;
    if (req.gpu_milli > 1000 || s.gpu_count < req.num_gpu || s.gpu_model < 0) continue;
    if (req.model_mask == 0 || ((req.model_mask >> s.gpu_model) & 1u)) return true;
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
}

void ClusterState::allocate(const Allocation& a) {
  validate(a, false);
  const auto i = static_cast<std::size_t>(a.node);
  stamp_[i] = next_stamp();
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
  if (cpu != alloc_cpu_) fail("allocated CPU total out of step");
  if (mem != alloc_mem_) fail("allocated memory total out of step");
  if (gpu != alloc_gpu_) fail("allocated GPU total out of step");
  if (whole_total != free_whole_total_) fail("cluster free whole-GPU count out of step");
}

bool ClusterState::empty() const { return alloc_cpu_ == 0 && alloc_mem_ == 0 && alloc_gpu_ == 0; }

} // namespace fleetsim
