// The SimGrid platform of a static cluster: hosts for servers and GPUs, routes between them.
// One test case: SimGrid allows one engine per process.
#include <doctest/doctest.h>

#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include "sim/model/cluster.hpp"
#include "sim/engine/platform.hpp"
#include "sim/io/scenario.hpp"

using namespace fleetsim;

TEST_CASE("static platform: one host per server and per GPU, each behind its own link") {
  xbt_log_control_set("root.thresh:critical");
  int argc = 1;
  char arg0[] = "engine-platform";
  char* argv[] = {arg0, nullptr};
  simgrid::s4u::Engine engine(&argc, argv);
  ClusterState c;
  c.add_node("a", 0, 1000, 1000, 2, 0);
  c.add_node("b", 0, 1000, 1000, 0, -1);
  LinkSpec p;
  auto plat = build_platform(c, p);
  REQUIRE(plat.node_hosts.size() == 2);
  REQUIRE(plat.gpu_hosts.size() == 2);
  CHECK(plat.links == 4);
  CHECK(plat.node_hosts[0]->get_name() == "a");
  CHECK(plat.gpu_hosts[1]->get_name() == "a/gpu1");
  std::vector<simgrid::s4u::Link*> links;
  double latency = 0;
  plat.gpu_hosts[0]->route_to(plat.gpu_hosts[1], links, &latency);
  REQUIRE(links.size() == 2);
  CHECK(links[0]->get_name() == "a/gpu0/nvlink_UP");
  CHECK(links[1]->get_name() == "a/gpu1/nvlink_DOWN");
  CHECK(latency == doctest::Approx(2 * p.nvlink_latency_s));
  links.clear();
  plat.node_hosts[0]->route_to(plat.node_hosts[1], links, &latency);
  REQUIRE(links.size() == 2);
  CHECK(links[1]->get_bandwidth() == p.nic_bandwidth_Bps);
  CHECK(engine.get_host_count() == 4);
}
