// Composable clusters: pools, attachments, re-composition, ports, the pool policies, and the
// stranded-GPU measure on both kinds of topology.
#include <doctest/doctest.h>

#include "policies/registry.hpp"
#include "sim/measure/stranded.hpp"

using namespace fleetsim;

namespace {

Request gpus(int n, std::int64_t cpu = 8000, int milli = 1000) {
  Request r;
  r.cpu_milli = cpu;
  r.memory_mib = 1024;
  r.num_gpu = n;
  r.gpu_milli = milli;
  return r;
}

Job job(const Request& r) {
  Job j;
  j.id = "j";
  j.req = r;
  return j;
}

/// Two CPU servers with 4 fabric ports on switch 0, one with 2 ports on switch 1; pools:
/// chassis 0 (8 GPUs) and 1 (4 GPUs) behind switch 0, chassis 2 (4 GPUs) behind switch 1.
ClusterState fabric() {
  ClusterState c;
  c.add_switch("sw0");
  c.add_switch("sw1");
  c.add_pool("c0", 0, 8, 0, {0});
  c.add_pool("c1", 0, 4, 0, {0});
  c.add_pool("c2", 0, 4, 0, {1});
  for (int i = 0; i < 3; ++i) c.add_node("s" + std::to_string(i), 0, 64000, 262144, 0, -1);
  c.set_fabric(0, 4, 0);
  c.set_fabric(1, 4, 0);
  c.set_fabric(2, 2, 1);
  return c;
}

} // namespace

TEST_CASE("pooled GPUs count in the totals and are free until attached") {
  auto c = fabric();
  CHECK(c.num_gpus() == 16);
  CHECK(c.num_local_gpus() == 0);
  CHECK(c.total_gpu_milli() == 16000);
  CHECK(c.free_whole_gpus() == 16);
  CHECK(c.pool_unattached(0) == 8);
  CHECK(c.pool_reachable(0, 1));
  CHECK_FALSE(c.pool_reachable(0, 2));
  CHECK(c.pool_gpus_available(0, 1000, 0) == 4);  // limited by its 4 ports
  CHECK(c.pool_gpus_available(2, 1000, 0) == 2);
  CHECK(c.fits(0, gpus(4)));
  CHECK_FALSE(c.fits(0, gpus(5)));
  CHECK(c.could_ever_fit(gpus(4)));
  CHECK_FALSE(c.could_ever_fit(gpus(5)));
  c.check_invariants();
}

TEST_CASE("attach, release keeps the GPUs attached, re-composition detaches idle ones") {
  auto c = fabric();
  Allocation a{0, 8000, 1024, {}, {{0, 1000}, {1, 1000}}, {0, 1}};
  CHECK(c.allocate(a) == 0);
  CHECK(c.attached_gpus(0) == std::vector<int>{0, 1});
  CHECK(c.free_ports(0) == 2);
  CHECK(c.alloc_gpu_milli() == 2000);
  CHECK(c.pool_unattached(0) == 6);
  c.release(a);
  CHECK(c.pool_gpu_attached(0) == 0);  // still attached, idle
  CHECK(c.pool_idle_attached(0) == 2);
  CHECK(c.free_whole_gpus() == 16);
  // Node 0 reuses its attached GPUs without attaching anything.
  auto p = policies::make_placement("pool-first-fit", nlohmann::json::object(), 1);
  auto again = p->place(job(gpus(2)), c);
  REQUIRE(again);
  CHECK(again->node == 0);
  CHECK(again->attach.empty());
  CHECK(again->pool == std::vector<GpuShare>{{0, 1000}, {1, 1000}});
  // Node 1 takes GPU 0 (idle, attached to node 0) only after the unattached ones are gone.
  Allocation steal{1, 8000, 1024, {}, {{0, 1000}}, {0}};
  CHECK(c.allocate(steal) == 1);
  CHECK(c.attached_gpus(0) == std::vector<int>{1});
  CHECK(c.pool_gpu_attached(0) == 1);
  c.check_invariants();
}

TEST_CASE("bad compositions are rejected and leave the state unchanged") {
  auto c = fabric();
  CHECK_THROWS_WITH_AS(c.allocate({0, 0, 0, {}, {{12, 1000}}, {12}}),
                       "allocate on node 0: pooled GPU 12 is in a pool the node's switch does not reach",
                       std::logic_error);
  CHECK_THROWS_WITH_AS(c.allocate({2, 0, 0, {}, {{12, 1000}, {13, 1000}, {14, 1000}}, {12, 13, 14}}),
                       "allocate on node 2: more pooled GPUs than free fabric ports", std::logic_error);
  CHECK_THROWS_WITH_AS(c.allocate({0, 0, 0, {}, {{3, 1000}}, {}}),
                       "allocate on node 0: pooled GPU 3 is not attached to the node", std::logic_error);
  c.allocate({0, 0, 0, {}, {{3, 600}}, {3}});
  CHECK_THROWS_WITH_AS(c.allocate({1, 0, 0, {}, {{3, 1000}}, {3}}), "allocate on node 1: pooled GPU 3 is in use on another node",
                       std::logic_error);
  CHECK_THROWS_WITH_AS(c.allocate({0, 0, 0, {}, {{3, 500}}, {}}), "allocate on node 0: pooled GPU 3 over-allocated",
                       std::logic_error);
  c.allocate({0, 0, 0, {}, {{3, 400}}, {}});  // shares the attached GPU
  CHECK(c.pool_gpu_free(3) == 0);
  c.check_invariants();
  CHECK(c.alloc_gpu_milli() == 1000);
}

TEST_CASE("pool policies: first-fit in order, best-fit packs servers and chassis, locality reuses") {
  auto c = fabric();
  auto first = policies::make_placement("pool-first-fit", nlohmann::json::object(), 1);
  auto best = policies::make_placement("pool-best-fit", nlohmann::json::object(), 1);
  auto local = policies::make_placement("pool-locality", nlohmann::json::object(), 1);
  auto a = first->place(job(gpus(3)), c);
  REQUIRE(a);
  CHECK(a->node == 0);
  CHECK(a->attach == std::vector<std::int32_t>{0, 1, 2});
  // pool-best-fit: the fullest pool that reaches, so chassis 1 (4 idle) before chassis 0 (8).
  auto b = best->place(job(gpus(2)), c);
  REQUIRE(b);
  CHECK(b->attach == std::vector<std::int32_t>{8, 9});
  // ... and the server with the least CPU left: fill node 1's CPU partly, it wins.
  c.allocate({1, 32000, 0, {}, {}, {}});
  b = best->place(job(gpus(1)), c);
  REQUIRE(b);
  CHECK(b->node == 1);
  // pool-locality: the server already holding idle GPUs needs no attach.
  c.allocate({2, 0, 0, {}, {{12, 1000}, {13, 1000}}, {12, 13}});
  c.release({2, 0, 0, {}, {{12, 1000}, {13, 1000}}, {}});
  auto l = local->place(job(gpus(2)), c);
  REQUIRE(l);
  CHECK(l->node == 2);
  CHECK(l->attach.empty());
  // Static policies still compose on a composable cluster.
  auto ff = policies::make_placement("first-fit", nlohmann::json::object(), 1)->place(job(gpus(4)), c);
  REQUIRE(ff);
  CHECK(ff->num_gpus() == 4);
  CHECK(ff->pool.size() == 4);
}

TEST_CASE("stranded GPUs: the 64-CPU-per-GPU case on static servers") {
  ClusterState c;
  for (int i = 0; i < 2; ++i) c.add_node("s" + std::to_string(i), 0, 64000, 524288, 8, 0);
  Job j;
  j.id = "prep";
  j.req = gpus(1, 64000);
  StrandedTracker t(c, {j});
  CHECK(t.shares() == std::vector<std::pair<std::int64_t, std::int64_t>>{{64000, 1024}});
  CHECK(t.stranded(c) == 0);
  c.allocate({0, 64000, 1024, {{0, 1000}}, {}, {}});
  t.update(c, 0);
  CHECK(t.stranded(c) == 7);  // no CPU left next to node 0's 7 free GPUs
  c.allocate({1, 64000, 1024, {{0, 1000}}, {}, {}});
  t.update(c, 1);
  CHECK(t.stranded(c) == 14);
}

TEST_CASE("stranded GPUs: pooled GPUs strand only when no server they reach can take them") {
  auto c = fabric();
  StrandedTracker t(c, {job(gpus(1, 64000))});
  CHECK(t.stranded(c) == 0);
  c.allocate({0, 64000, 0, {}, {}, {}});
  c.allocate({1, 64000, 0, {}, {}, {}});
  t.update(c, 0);
  t.update(c, 1);
  CHECK(t.stranded(c) == 12);  // chassis 0 and 1: both servers of switch 0 are out of CPU
  c.allocate({2, 64000, 0, {}, {}, {}});
  t.update(c, 2);
  CHECK(t.stranded(c) == 16);
}
