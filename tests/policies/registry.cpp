// Built-in queue and placement policies: their choices on small hand-made clusters, and the
// registry's errors.
#include <doctest/doctest.h>

#include <set>

#include "policies/registry.hpp"
#include "sim/common/error.hpp"

using namespace fleetsim;

namespace {
Job job(int gpus, int milli = 1000, std::int64_t cpu = 1000, std::int64_t mem = 1024) {
  Job j;
  j.id = "j";
  j.req.cpu_milli = cpu;
  j.req.memory_mib = mem;
  j.req.num_gpu = gpus;
  j.req.gpu_milli = gpus ? milli : 0;
  return j;
}
// Three identical 8-GPU nodes: node 0 has 6 GPUs in use, node 1 has 2 in use, node 2 is empty.
ClusterState three_nodes() {
  ClusterState c;
  for (int i = 0; i < 3; ++i) c.add_node("n" + std::to_string(i), 0, 64000, 262144, 8, 0);
  c.allocate({0, 8000, 8192, {{0, 1000}, {1, 1000}, {2, 1000}, {3, 1000}, {4, 1000}, {5, 1000}}});
  c.allocate({1, 8000, 8192, {{0, 1000}, {1, 1000}}});
  return c;
}
std::unique_ptr<policies::PlacementPolicy> placement(const std::string& name, std::uint64_t seed = 1) {
  return policies::make_placement(name, nlohmann::json::object(), seed);
}
} // namespace

TEST_CASE("first-fit takes the lowest-index node that fits and its lowest free GPUs") {
  auto c = three_nodes();
  auto p = placement("first-fit");
  auto a = p->place(job(2), c);
  REQUIRE(a);
  CHECK(a->node == 0);
  CHECK(a->gpus == std::vector<GpuShare>{{6, 1000}, {7, 1000}});
  a = p->place(job(3), c);
  REQUIRE(a);
  CHECK(a->node == 1);
  CHECK(a->gpus == std::vector<GpuShare>{{2, 1000}, {3, 1000}, {4, 1000}});
  CHECK_FALSE(p->place(job(9), c));
}

TEST_CASE("best-fit packs onto the fullest node, worst-fit spreads to the emptiest") {
  auto c = three_nodes();
  auto best = placement("best-fit");
  auto worst = placement("worst-fit");
  auto b = best->place(job(2), c);
  auto w = worst->place(job(2), c);
  REQUIRE(b);
  REQUIRE(w);
  CHECK(b->node == 0);
  CHECK(w->node == 2);
  // A job that only fits the emptier nodes.
  b = best->place(job(4), c);
  REQUIRE(b);
  CHECK(b->node == 1);
}

TEST_CASE("shared GPU requests take the tightest GPU that fits") {
  ClusterState c;
  c.add_node("n0", 0, 64000, 262144, 4, 0);
  c.allocate({0, 0, 0, {{0, 500}, {1, 800}, {2, 100}}});
  auto p = placement("first-fit");
  auto a = p->place(job(1, 200), c);
  REQUIRE(a);
  CHECK(a->gpus == std::vector<GpuShare>{{1, 200}});  // 200 free on GPU 1: exact fit
  a = p->place(job(1, 600), c);
  REQUIRE(a);
  CHECK(a->gpus == std::vector<GpuShare>{{2, 600}});  // 900 free beats 1000 free
}

TEST_CASE("random chooses only feasible nodes, spreads over them, and repeats for a seed") {
  auto c = three_nodes();
  std::set<int> seen;
  std::vector<int> first, second;
  auto p1 = placement("random", 42);
  auto p2 = placement("random", 42);
  for (int i = 0; i < 200; ++i) {
    auto a = p1->place(job(4), c);  // fits nodes 1 and 2 only
    REQUIRE(a);
    seen.insert(a->node);
    first.push_back(a->node);
    second.push_back(p2->place(job(4), c)->node);
  }
  CHECK(seen == std::set<int>{1, 2});
  CHECK(first == second);
}

TEST_CASE("queue policies order jobs as documented") {
  Job a = job(1), b = job(1);
  a.submit_s = 10;
  b.submit_s = 20;
  a.duration_s = 500;
  b.duration_s = 100;
  a.priority = 0;
  b.priority = 5;
  auto fifo = policies::make_queue("fifo", nlohmann::json::object());
  auto skip = policies::make_queue("fifo-skip", nlohmann::json::object());
  auto sjf = policies::make_queue("sjf", nlohmann::json::object());
  auto prio = policies::make_queue("priority", nlohmann::json::object());
  CHECK(fifo->before(a, b));
  CHECK(fifo->blocking());
  CHECK(skip->before(a, b));
  CHECK_FALSE(skip->blocking());
  CHECK(sjf->before(b, a));
  CHECK_FALSE(sjf->blocking());
  CHECK(prio->before(b, a));
  CHECK(policies::make_queue("priority", {{"head_of_line_blocking", true}})->blocking());
}

TEST_CASE("unknown names and bad params are located errors listing what is valid") {
  CHECK_THROWS_WITH_AS(policies::make_queue("lifo", nlohmann::json::object()),
                       "/policy/queue: unknown queue policy \"lifo\"; valid names: fifo, fifo-skip, sjf, priority",
                       InputError);
  CHECK_THROWS_AS(policies::make_placement("bestfit", nlohmann::json::object(), 1), InputError);
  try {
    policies::make_placement("bestfit", nlohmann::json::object(), 1);
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).rfind("/policy/placement: unknown placement policy \"bestfit\"; valid names: first-fit", 0) == 0);
  }
  CHECK_THROWS_WITH_AS(policies::make_queue("sjf", {{"head_of_line_blocking", "yes"}}),
                       "/policy/params/head_of_line_blocking: expected a boolean, got \"yes\"", InputError);
  CHECK_THROWS_WITH_AS(policies::check_params("fifo", "first-fit", {{"head_of_line_blocking", true}}),
                       "/policy/params/head_of_line_blocking: unknown parameter for queue \"fifo\" and placement "
                       "\"first-fit\"; accepted: none",
                       InputError);
  CHECK_NOTHROW(policies::check_params("sjf", "first-fit", {{"head_of_line_blocking", true}}));
}
