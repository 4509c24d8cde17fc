// The one check of a placement policy's answer.
#include "sim/sched/answer_check.hpp"

#include <algorithm>
#include <stdexcept>

namespace fleetsim {

void check_answer(const policies::PlacementPolicy& policy, const Request& req, const Allocation& a,
                  const ClusterState& cluster, const std::string& what) {
  auto fail = [&](const std::string& why) {
    throw std::logic_error("placement policy " + std::string(policy.name()) + " returned an allocation that " + why +
                           " for " + what);
  };
  if (a.node < 0 || a.node >= cluster.num_nodes()) fail("names no existing node");
  if (a.cpu_milli != req.cpu_milli || a.memory_mib != req.memory_mib) fail("does not match the CPU and memory asked");
  if (req.mig >= 0) {  // num_gpu instances of the profile; their slots are checked by ClusterState::allocate
    const Node& nd = cluster.node(a.node);
    if (!model_matches(req.model_mask, nd.gpu_model)) fail("is on a GPU model the request excludes");
    const mig::Geometry* g = cluster.mig_geometry(a.node);
    const int profile = cluster.mig_profile(a.node, req.mig);
    if (!g || profile < 0) fail("is on GPUs without MIG instances of the requested profile");
    if (!a.pool.empty() || !a.attach.empty()) fail("holds pooled GPUs for MIG instances");
    if (static_cast<std::int64_t>(a.mig.size()) != req.num_gpu) fail("does not hold the number of MIG instances asked");
    for (const auto& s : a.mig) {
      if (s.profile != profile) fail("holds a MIG instance of another profile");
      if (s.gpu < 0 || s.gpu >= nd.gpu_count) fail("names a GPU the node does not have");
    }
    for (const auto& sh : a.gpus) {
      std::int32_t charged = 0;
      for (const auto& s : a.mig)
        if (s.gpu == sh.gpu) charged += g->milli(s.profile, s.start);
      if (charged != sh.milli) fail("holds a GPU share that is not the charge of its MIG instances");
    }
    for (const auto& s : a.mig)
      if (std::none_of(a.gpus.begin(), a.gpus.end(), [&](const GpuShare& sh) { return sh.gpu == s.gpu; }))
        fail("holds a MIG instance without a share of its GPU");
    return;
  }
  if (!a.mig.empty()) fail("holds MIG instances for a request without a MIG profile");
  if (a.num_gpus() != req.num_gpu) fail("does not hold the number of GPUs asked");
  for (const auto& g : a.gpus) {
    if (g.milli != req.gpu_milli) fail("holds a wrong GPU share");
    if (g.gpu < 0 || g.gpu >= cluster.node(a.node).gpu_count) fail("names a GPU the node does not have");
  }
  if (!a.gpus.empty() && !model_matches(req.model_mask, cluster.node(a.node).gpu_model))
    fail("is on a GPU model the request excludes");
  for (const auto& g : a.pool) {
    if (g.milli != req.gpu_milli) fail("holds a wrong GPU share");
    if (g.gpu < 0 || g.gpu >= cluster.num_pool_gpus()) fail("names a pooled GPU that does not exist");
    if (!model_matches(req.model_mask, cluster.pool(cluster.pool_of(g.gpu)).gpu_model))
      fail("holds a pooled GPU of a model the request excludes");
  }
  for (int g : a.attach)
    if (std::none_of(a.pool.begin(), a.pool.end(), [&](const GpuShare& s) { return s.gpu == g; }))
      fail("attaches a pooled GPU it does not hold");
}

} // namespace fleetsim
