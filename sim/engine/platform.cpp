#include "sim/engine/platform.hpp"

#include <simgrid/s4u.hpp>

#include "sim/model/cluster.hpp"
#include "sim/io/scenario.hpp"

namespace fleetsim {

Platform build_platform(const ClusterState& cluster, const LinkSpec& spec) {
  namespace s4u = simgrid::s4u;
  using Dir = s4u::LinkInRoute::Direction;
  Platform out;
  out.zone = s4u::create_star_zone("cluster");
  auto link = [&](const std::string& name, double bw, double lat) {
    s4u::SplitDuplexLink* l = out.zone->create_split_duplex_link(name, bw);
    l->set_latency(lat);
    ++out.links;
    return l;
  };
  auto host = [&](const std::string& name, std::vector<s4u::SplitDuplexLink*> path) {
    s4u::Host* h = out.zone->create_host(name, 1e12);
    std::vector<s4u::LinkInRoute> route;
    for (auto* l : path) route.emplace_back(l, Dir::UP);
    out.zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, route, true);
    return h;
  };
  out.node_hosts.reserve(static_cast<std::size_t>(cluster.num_nodes()));
  out.gpu_hosts.reserve(static_cast<std::size_t>(cluster.num_local_gpus()));
  for (int n = 0; n < cluster.num_nodes(); ++n) {
    const Node& nd = cluster.node(n);
    out.node_hosts.push_back(host(nd.name, {link(nd.name + "/nic", spec.nic_bandwidth_Bps, spec.nic_latency_s)}));
    for (int g = 0; g < nd.gpu_count; ++g) {
      const std::string name = nd.name + "/gpu" + std::to_string(g);
      out.gpu_hosts.push_back(host(name, {link(name + "/nvlink", spec.nvlink_bandwidth_Bps, spec.nvlink_latency_s)}));
    }
  }
  for (int p = 0; p < cluster.num_pools(); ++p) {
    const Pool& pl = cluster.pool(p);
    s4u::SplitDuplexLink* up = link(pl.name + "/uplink", cluster.pool_uplink_Bps(p), spec.port_latency_s);
    for (int g = pl.gpu_begin; g < pl.gpu_begin + pl.gpu_count; ++g) {
      const std::string name = pl.name + "/gpu" + std::to_string(g - pl.gpu_begin);
      s4u::SplitDuplexLink* slot = link(name + "/slot", spec.port_bandwidth_Bps, spec.port_latency_s);
      out.chassis_hosts.push_back(host(name, {slot}));
      out.fabric_hosts.push_back(host(name + "@fabric", {slot, up}));
    }
  }
  out.zone->seal();
  return out;
}

} // namespace fleetsim
