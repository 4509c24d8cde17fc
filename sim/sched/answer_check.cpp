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
  if (req.mig >= 0) {  // MIG instances: merged shares on the node's own GPUs (checked by the MIG layout)
    if (!model_matches(req.model_mask, cluster.node(a.node).gpu_model)) fail("is on a GPU model the request excludes");
    if (!a.pool.empty() || !a.attach.empty()) fail("holds pooled GPUs for MIG instances");
    return;
  }
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
