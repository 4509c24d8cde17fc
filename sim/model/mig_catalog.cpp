// The MIG catalog: geometries by GPU model id, interned profile names, and whether a MIG
// request could ever fit an empty cluster.
#include "sim/model/mig_catalog.hpp"

namespace fleetsim {
namespace {

/// Instances of profile p a single empty GPU of geometry g can hold.
int per_gpu(const mig::Geometry& g, int p) {
  mig::GpuLayout l;
  int n = 0;
  while (auto pl = l.plan(g, p)) {
    l.apply(g, p, *pl);
    ++n;
  }
  return n;
}

} // namespace

void MigCatalog::enable(int model, int base, std::shared_ptr<const mig::Geometry> g) {
  geo_[static_cast<std::size_t>(model)] = std::move(g);
  base_[static_cast<std::size_t>(model)] = base;
  mig_mask_ |= std::uint64_t{1} << model;
}

std::uint64_t MigCatalog::variants_of(std::uint64_t base_mask) const {
  if (base_mask == 0) return mig_mask_;
  std::uint64_t m = 0;
  for (int i = 0; i < GpuModels::kMaxModels; ++i)
    if (((mig_mask_ >> i) & 1u) && ((base_mask >> base_[static_cast<std::size_t>(i)]) & 1u)) m |= std::uint64_t{1} << i;
  return m;
}

int MigCatalog::intern_profile(const std::string& name) {
  if (auto id = find_profile(name)) return *id;
  profiles_.push_back(name);
  return static_cast<int>(profiles_.size()) - 1;
}

std::optional<int> MigCatalog::find_profile(const std::string& name) const {
  for (std::size_t i = 0; i < profiles_.size(); ++i)
    if (profiles_[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

int MigCatalog::profile_index(int model, int profile) const {
  const mig::Geometry* g = geometry(model);
  if (!g || profile < 0 || profile >= static_cast<int>(profiles_.size())) return -1;
  return g->find(profiles_[static_cast<std::size_t>(profile)]);
}

bool mig_fits_empty(const Node& nd, const MigCatalog& mig, const Request& r) {
  if (r.mig < 0 || r.num_gpu < 1) return false;
  if (!model_matches(r.model_mask, nd.gpu_model)) return false;
  if (r.cpu_milli > nd.cpu_milli || r.memory_mib > nd.memory_mib) return false;
  const mig::Geometry* g = mig.geometry(nd.gpu_model);
  const int p = mig.profile_index(nd.gpu_model, r.mig);
  if (!g || p < 0) return false;
  return std::int64_t{per_gpu(*g, p)} * nd.gpu_count >= r.num_gpu;
}

bool mig_could_ever_fit(const ClusterState& cluster, const MigCatalog& mig, const Request& r) {
  if (r.mig < 0) return cluster.could_ever_fit(r);
  for (const Node& nd : cluster.nodes())
    if (mig_fits_empty(nd, mig, r)) return true;
  return false;
}

} // namespace fleetsim
