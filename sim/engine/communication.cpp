// The communication model on SimGrid (see communication.hpp).
#include "sim/engine/communication.hpp"

#include <simgrid/s4u.hpp>

#include "sim/work/collectives.hpp"

namespace fleetsim {

CommunicationModel::CommunicationModel(const ClusterState& cluster, const Platform& platform, std::size_t jobs,
                                       FlowsDone done)
    : cluster_(cluster), platform_(platform), done_(std::move(done)), pending_flows_(jobs, 0) {
  simgrid::s4u::Activity::on_completion_cb([this](const simgrid::s4u::Activity& a) { on_flow_done(a); });
}

/// The endpoints of the ring edge from GPU i to GPU i+1 of the job: NVLink ports for local
/// GPUs; PCIe slots for two pooled GPUs of one chassis; slots and chassis uplinks otherwise.
std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*> CommunicationModel::ring_edge(const Allocation& a, int i,
                                                                                  int k) const {
  const auto next = static_cast<std::size_t>((i + 1) % k), cur = static_cast<std::size_t>(i);
  if (!a.gpus.empty()) {
    const int base = cluster_.node(a.node).gpu_begin;
    return {platform_.gpu_hosts[static_cast<std::size_t>(base + a.gpus[cur].gpu)],
            platform_.gpu_hosts[static_cast<std::size_t>(base + a.gpus[next].gpu)]};
  }
  const int x = a.pool[cur].gpu, y = a.pool[next].gpu;
  const auto& hosts = cluster_.pool_of(x) == cluster_.pool_of(y) ? platform_.chassis_hosts : platform_.fabric_hosts;
  return {hosts[static_cast<std::size_t>(x)], hosts[static_cast<std::size_t>(y)]};
}

bool CommunicationModel::start(int j, const Allocation& alloc, const CommProfile& p) {
  const int k = alloc.num_gpus();
  if (k < 2 || p.allreduce_bytes <= 0) return false;
  const double per_flow = ring_allreduce_flow_bytes(p.steps, k, p.allreduce_bytes);
  pending_flows_[static_cast<std::size_t>(j)] = k;
  for (int i = 0; i < k; ++i) {
    const auto [from, to] = ring_edge(alloc, i, k);
    auto c = simgrid::s4u::Comm::sendto_init(from, to);
    c->set_payload_size(static_cast<std::uint64_t>(per_flow));
    c->set_data(reinterpret_cast<void*>(static_cast<std::intptr_t>(j) + 1));
    c->start();
    running_flows_.emplace(c.get(), c);
    ++flows_started_;
  }
  return true;
}

void CommunicationModel::on_flow_done(const simgrid::s4u::Activity& a) {
  const auto tag = reinterpret_cast<std::intptr_t>(a.get_data<void>());
  if (tag <= 0) return;
  const int j = static_cast<int>(tag - 1);
  auto it = running_flows_.find(&a);
  if (it != running_flows_.end()) {
    finished_flows_.push_back(std::move(it->second));  // keep alive until the callback returns
    running_flows_.erase(it);
  }
  if (--pending_flows_[static_cast<std::size_t>(j)] > 0) return;
  done_(j);
}

} // namespace fleetsim
