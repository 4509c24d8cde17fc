#include "sim/platform.hpp"

#include <simgrid/s4u.hpp>

#include "sim/cluster.hpp"

namespace fleetsim {

StaticPlatform build_static_platform(const ClusterState& cluster, const PlatformParams& p) {
  namespace s4u = simgrid::s4u;
  StaticPlatform out;
  out.zone = s4u::create_star_zone("cluster");
  out.node_hosts.reserve(static_cast<std::size_t>(cluster.num_nodes()));
  out.gpu_hosts.reserve(static_cast<std::size_t>(cluster.num_gpus()));
  auto add_endpoint = [&](const std::string& name, double flops, double bw, double lat) {
    s4u::Host* h = out.zone->create_host(name, flops);
    s4u::Link* l = out.zone->create_link(name + "/link", bw)->set_latency(lat);
    out.zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {s4u::LinkInRoute(l)}, true);
    ++out.links;
    return h;
  };
  for (int n = 0; n < cluster.num_nodes(); ++n) {
    const Node& nd = cluster.node(n);
    out.node_hosts.push_back(add_endpoint(nd.name, p.host_flops, p.nic_bandwidth_Bps, p.nic_latency_s));
    for (int g = 0; g < nd.gpu_count; ++g)
      out.gpu_hosts.push_back(add_endpoint(nd.name + "/gpu" + std::to_string(g), p.gpu_flops,
                                           p.gpu_link_bandwidth_Bps, p.gpu_link_latency_s));
  }
  out.zone->seal();
  return out;
}

} // namespace fleetsim
