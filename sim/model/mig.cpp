// MIG geometry: built-in profile tables, instance masks and charges, per-GPU layouts.
#include "sim/model/mig.hpp"

#include <algorithm>
#include <stdexcept>

namespace fleetsim::mig {
namespace {

std::uint32_t bits(int from, int count) {
  if (count <= 0) return 0;
  return ((count >= 32 ? ~0u : ((1u << count) - 1u))) << from;
}

int popcount(std::uint32_t v) { return __builtin_popcount(v); }

/// The 8-memory-slice / 7-compute-slice family (A100, H100, H200): profile names differ by the
/// memory of one slice (`gb1`), two slices (`gb2`), four (`gb4`) and the whole GPU (`gb8`).
Geometry seven_slice(std::string model, int gb1, int gb2, int gb4, int gb8) {
  auto name = [](int k, int gb) { return std::to_string(k) + "g." + std::to_string(gb) + "gb"; };
  const std::int64_t mib = 1024;
  Geometry g;
  g.model = std::move(model);
  g.memory_slices = 8;
  g.compute_slices = 7;
  g.profiles = {
      {name(1, gb1), 1, 1, {0, 1, 2, 3, 4, 5, 6}, gb1 * mib, 0, false},
      {name(1, gb1) + "+me", 1, 1, {0, 1, 2, 3, 4, 5, 6}, gb1 * mib, 1, true},
      {name(1, gb2), 1, 2, {0, 2, 4, 6}, gb2 * mib, 0, false},
      {name(2, gb2), 2, 2, {0, 2, 4}, gb2 * mib, 0, false},
      {name(3, gb4), 3, 4, {0, 4}, gb4 * mib, 0, false},
      {name(4, gb4), 4, 4, {0}, gb4 * mib, 0, false},
      {name(7, gb8), 7, 8, {0}, gb8 * mib, 0, false},
  };
  return g;
}

Geometry a30() {
  Geometry g;
  g.model = "A30-24GB";
  g.memory_slices = 4;
  g.compute_slices = 4;
  g.profiles = {
      {"1g.6gb", 1, 1, {0, 1, 2, 3}, 6 * 1024, 0, false},
      {"1g.6gb+me", 1, 1, {0, 1, 2, 3}, 6 * 1024, 1, true},
      {"2g.12gb", 2, 2, {0, 2}, 12 * 1024, 0, false},
      {"2g.12gb+me", 2, 2, {0, 2}, 12 * 1024, 1, true},
      {"4g.24gb", 4, 4, {0}, 24 * 1024, 0, false},
  };
  return g;
}

struct Builtins {
  std::vector<Geometry> geometries;
  std::vector<std::pair<std::string, int>> aliases;  // name -> geometry index
};

const Builtins& builtins() {
  static const Builtins b = [] {
    Builtins x;
    x.geometries = {a30(), seven_slice("A100-40GB", 5, 10, 20, 40), seven_slice("A100-80GB", 10, 20, 40, 80),
                    seven_slice("H100-80GB", 10, 20, 40, 80), seven_slice("H100-94GB", 12, 24, 47, 94),
                    seven_slice("H200-141GB", 18, 35, 71, 141)};
    for (std::size_t i = 0; i < x.geometries.size(); ++i) x.aliases.emplace_back(x.geometries[i].model, int(i));
    const std::pair<const char*, int> more[] = {
        {"A30", 0},           {"A100", 1},     {"A100-SXM4-40GB", 1}, {"A100-PCIE-40GB", 1},
        {"A100-SXM4-80GB", 2}, {"A100-PCIE-80GB", 2}, {"H100", 3},   {"H100-SXM5-80GB", 3},
        {"H100-NVL", 4},      {"H200", 5}};
    for (const auto& [n, i] : more) x.aliases.emplace_back(n, i);
    for (const auto& g : x.geometries) g.check();
    return x;
  }();
  return b;
}

} // namespace

int Geometry::find(std::string_view name) const {
  for (std::size_t i = 0; i < profiles.size(); ++i)
    if (profiles[i].name == name) return static_cast<int>(i);
  return -1;
}

std::uint32_t Geometry::memory_mask(int p, int start) const {
  return bits(start, profiles[static_cast<std::size_t>(p)].memory_slices);
}

std::uint32_t Geometry::compute_mask(int p, int start) const {
  const int k = profiles[static_cast<std::size_t>(p)].compute_slices;
  return bits(std::min(start, compute_slices - k), k);
}

std::int32_t Geometry::milli(int p, int start) const {
  const int k = profiles[static_cast<std::size_t>(p)].compute_slices;
  const int from = std::min(start, compute_slices - k);
  auto edge = [&](int u) { return static_cast<std::int32_t>((std::int64_t{u} * 1000) / compute_slices); };
  return edge(from + k) - edge(from);
}

std::int32_t Geometry::nominal_milli(int p) const {
  const int k = profiles[static_cast<std::size_t>(p)].compute_slices;
  return static_cast<std::int32_t>((std::int64_t{k} * 1000 + compute_slices / 2) / compute_slices);
}

void Geometry::check() const {
  auto fail = [&](const std::string& what) { throw std::invalid_argument("MIG geometry of " + model + ": " + what); };
  if (memory_slices < 1 || memory_slices > kMaxSlices) fail("memory slices must be 1 to 16");
  if (compute_slices < 1 || compute_slices > kMaxSlices) fail("compute slices must be 1 to 16");
  if (profiles.empty()) fail("no profiles");
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const auto& p = profiles[i];
    if (p.name.empty()) fail("a profile without a name");
    for (std::size_t j = 0; j < i; ++j)
      if (profiles[j].name == p.name) fail("profile " + p.name + " declared twice");
    if (p.compute_slices < 1 || p.compute_slices > compute_slices)
      fail(p.name + ": compute slices must be 1 to " + std::to_string(compute_slices));
    if (p.memory_slices < 1 || p.memory_slices > memory_slices)
      fail(p.name + ": memory slices must be 1 to " + std::to_string(memory_slices));
    if (p.starts.empty()) fail(p.name + ": no allowed start");
    for (int s : p.starts)
      if (s < 0 || s + p.memory_slices > memory_slices)
        fail(p.name + ": start " + std::to_string(s) + " spans past memory slice " + std::to_string(memory_slices - 1));
    if (p.max_instances < 0) fail(p.name + ": negative instance limit");
  }
}

std::string Geometry::profile_list() const {
  std::string s;
  for (const auto& p : profiles) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

const Geometry* builtin(std::string_view model) {
  const auto& b = builtins();
  for (const auto& [n, i] : b.aliases)
    if (n == model) return &b.geometries[static_cast<std::size_t>(i)];
  return nullptr;
}

std::vector<std::string> builtin_models() {
  std::vector<std::string> v;
  for (const auto& g : builtins().geometries) v.push_back(g.model);
  return v;
}

int placements_possible(const Geometry& g, std::uint32_t used_memory, std::uint32_t used_compute) {
  int n = 0;
  for (int p = 0; p < static_cast<int>(g.profiles.size()); ++p)
    for (int s : g.profiles[static_cast<std::size_t>(p)].starts)
      n += (g.memory_mask(p, s) & used_memory) == 0 && (g.compute_mask(p, s) & used_compute) == 0;
  return n;
}

bool GpuLayout::fits(const Geometry& g, int p, int start, int* destroyed) const {
  const std::uint32_t mm = g.memory_mask(p, start), cm = g.compute_mask(p, start);
  if ((mm & used_mem_) || (cm & used_cmp_)) return false;
  const Profile& prof = g.profiles[static_cast<std::size_t>(p)];
  // Instances that remain after the idle ones in the way are destroyed.
  int same = 0, me = 0, gone = 0;
  for (const auto& in : inst_) {
    const bool in_way = !in.used && ((g.memory_mask(in.profile, in.start) & mm) || (g.compute_mask(in.profile, in.start) & cm));
    if (in_way) {
      ++gone;
      continue;
    }
    same += in.profile == p;
    me += g.profiles[static_cast<std::size_t>(in.profile)].media_extensions;
  }
  if (prof.max_instances > 0 && same + 1 > prof.max_instances) return false;
  if (prof.media_extensions && me > 0) return false;
  if (destroyed) *destroyed = gone;
  return true;
}

std::optional<Plan> GpuLayout::plan(const Geometry& g, int p) const {
  // An idle instance of the same profile (the lowest-start one): no reconfiguration at all.
  int reuse = -1;
  for (const auto& in : inst_)
    if (!in.used && in.profile == p && (reuse < 0 || in.start < reuse)) reuse = in.start;
  if (reuse >= 0) {
    Plan pl;
    pl.start = reuse;
    pl.reuse = true;
    pl.options_left = placements_possible(g, used_mem_ | g.memory_mask(p, reuse), used_cmp_ | g.compute_mask(p, reuse));
    return pl;
  }
  std::optional<Plan> best;
  for (int s : g.profiles[static_cast<std::size_t>(p)].starts) {
    int destroyed = 0;
    if (!fits(g, p, s, &destroyed)) continue;
    Plan c;
    c.start = s;
    c.destroyed = destroyed;
    c.options_left = placements_possible(g, used_mem_ | g.memory_mask(p, s), used_cmp_ | g.compute_mask(p, s));
    if (!best || c.destroyed < best->destroyed ||
        (c.destroyed == best->destroyed && c.options_left > best->options_left))
      best = c;
  }
  return best;
}

std::optional<Plan> GpuLayout::plan_at(const Geometry& g, int p, int start) const {
  if (p < 0 || p >= static_cast<int>(g.profiles.size())) return std::nullopt;
  const auto& starts = g.profiles[static_cast<std::size_t>(p)].starts;
  if (std::find(starts.begin(), starts.end(), start) == starts.end()) return std::nullopt;
  Plan pl;
  pl.start = start;
  for (const auto& in : inst_) pl.reuse |= !in.used && in.profile == p && in.start == start;
  if (!pl.reuse && !fits(g, p, start, &pl.destroyed)) return std::nullopt;
  if (pl.reuse && ((g.memory_mask(p, start) & used_mem_) || (g.compute_mask(p, start) & used_cmp_))) return std::nullopt;
  pl.options_left = placements_possible(g, used_mem_ | g.memory_mask(p, start), used_cmp_ | g.compute_mask(p, start));
  return pl;
}

int GpuLayout::apply(const Geometry& g, int p, const Plan& pl) {
  const std::uint32_t mm = g.memory_mask(p, pl.start), cm = g.compute_mask(p, pl.start);
  if ((mm & used_mem_) || (cm & used_cmp_)) throw std::logic_error("MIG: instance placed over an instance in use");
  if (pl.reuse) {
    for (auto& in : inst_)
      if (!in.used && in.profile == p && in.start == pl.start) {
        in.used = true;
        used_mem_ |= mm;
        used_cmp_ |= cm;
        return 0;
      }
    throw std::logic_error("MIG: no idle instance to reuse");
  }
  int destroyed = 0;
  std::erase_if(inst_, [&](const Instance& in) {
    const bool gone = !in.used && ((g.memory_mask(in.profile, in.start) & mm) || (g.compute_mask(in.profile, in.start) & cm));
    destroyed += gone;
    return gone;
  });
  inst_.push_back({static_cast<std::int8_t>(p), static_cast<std::int8_t>(pl.start), true});
  used_mem_ |= mm;
  used_cmp_ |= cm;
  return destroyed;
}

void GpuLayout::release(int p, int start) {
  for (auto& in : inst_)
    if (in.used && in.profile == p && in.start == start) {
      in.used = false;
      return;
    }
  throw std::logic_error("MIG: release of an instance that is not in use");
}

void GpuLayout::release(const Geometry& g, int p, int start) {
  release(p, start);
  used_mem_ = used_cmp_ = 0;
  for (const auto& in : inst_)
    if (in.used) {
      used_mem_ |= g.memory_mask(in.profile, in.start);
      used_cmp_ |= g.compute_mask(in.profile, in.start);
    }
}

int GpuLayout::used_compute_slices() const { return popcount(used_cmp_); }

int GpuLayout::used_instances() const {
  return static_cast<int>(std::count_if(inst_.begin(), inst_.end(), [](const Instance& i) { return i.used; }));
}

std::string layout_error(const Geometry& g, const std::vector<std::pair<int, int>>& slices) {
  std::uint32_t mem = 0, cmp = 0;
  std::vector<int> count(g.profiles.size(), 0);
  int me = 0;
  for (const auto& [p, s] : slices) {
    if (p < 0 || p >= static_cast<int>(g.profiles.size())) return "no profile " + std::to_string(p);
    const Profile& prof = g.profiles[static_cast<std::size_t>(p)];
    const std::string at = prof.name + " at slice " + std::to_string(s);
    if (std::find(prof.starts.begin(), prof.starts.end(), s) == prof.starts.end()) {
      std::string allowed;
      for (int a : prof.starts) allowed += (allowed.empty() ? "" : ", ") + std::to_string(a);
      return at + ": not an allowed start (allowed: " + allowed + ")";
    }
    if (g.memory_mask(p, s) & mem) return at + ": overlaps the memory slices of another instance";
    if (g.compute_mask(p, s) & cmp) return at + ": overlaps the compute slices of another instance";
    mem |= g.memory_mask(p, s);
    cmp |= g.compute_mask(p, s);
    if (prof.max_instances > 0 && ++count[static_cast<std::size_t>(p)] > prof.max_instances)
      return at + ": more than " + std::to_string(prof.max_instances) + " instance(s) of " + prof.name;
    if (prof.media_extensions && ++me > 1) return at + ": a second instance with media extensions";
  }
  return {};
}

} // namespace fleetsim::mig
