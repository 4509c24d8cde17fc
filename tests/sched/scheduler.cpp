// The scheduler: queue disciplines, unplaceable jobs, and a differential test of its
// O(placements + shapes) pass against a naive pass that offers every queued job in order.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <queue>

#include "policies/registry.hpp"
#include "sim/common/rng.hpp"
#include "sim/sched/scheduler.hpp"

using namespace fleetsim;

namespace {

Job mk(const std::string& id, double submit, double dur, int gpus, std::int64_t cpu = 1000, int milli = 1000) {
  Job j;
  j.id = id;
  j.submit_s = submit;
  j.duration_s = dur;
  j.req.cpu_milli = cpu;
  j.req.memory_mib = 1024;
  j.req.num_gpu = gpus;
  j.req.gpu_milli = gpus ? milli : 0;
  return j;
}

ClusterState nodes(int n, int gpus, std::int64_t cpu = 32000) {
  ClusterState c;
  for (int i = 0; i < n; ++i) c.add_node("n" + std::to_string(i), 0, cpu, 1 << 20, gpus, 0);
  return c;
}

/// A plain discrete-event loop (no SimGrid), same instant semantics as the engine:
/// completions, then arrivals, then one pass. Returns start times (-1 = never started).
std::vector<double> run_plain(ClusterState& c, const std::vector<Job>& jobs, const std::string& queue,
                              const std::string& placement, bool naive) {
  auto q = policies::make_queue(queue, nlohmann::json::object());
  auto p = policies::make_placement(placement, nlohmann::json::object(), 3);
  std::vector<int> order(jobs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return jobs[a].submit_s < jobs[b].submit_s; });
  std::priority_queue<std::pair<double, int>, std::vector<std::pair<double, int>>, std::greater<>> done;
  std::vector<double> start(jobs.size(), -1);
  std::vector<Allocation> held(jobs.size());
  std::vector<int> pending;  // naive
  Scheduler s(c, jobs, *q, *p);
  std::size_t next = 0;
  while (next < order.size() || !done.empty()) {
    double now = next < order.size() ? jobs[order[next]].submit_s : 1e300;
    if (!done.empty()) now = std::min(now, done.top().first);
    while (!done.empty() && done.top().first <= now) {
      const int j = done.top().second;
      done.pop();
      if (naive) c.release(held[j]);
      else s.complete(j, now);
    }
    while (next < order.size() && jobs[order[next]].submit_s <= now) {
      const int j = order[next++];
      if (naive) {
        if (c.could_ever_fit(jobs[j].req)) pending.push_back(j);
      } else {
        s.arrive(j, now);
      }
    }
    std::vector<int> started;
    if (naive) {
      std::stable_sort(pending.begin(), pending.end(), [&](int a, int b) {
        if (q->before(jobs[a], jobs[b])) return true;
        if (q->before(jobs[b], jobs[a])) return false;
        return a < b;
      });
      std::vector<int> keep;
      bool blocked = false;
      for (int j : pending) {
        if (blocked) { keep.push_back(j); continue; }
        auto a = p->place(jobs[j], c);
        if (!a) {
          keep.push_back(j);
          blocked = q->blocking();
          continue;
        }
        c.allocate(*a);
        held[j] = *a;
        started.push_back(j);
      }
      pending = keep;
    } else {
      s.schedule(now, started);
    }
    for (int j : started) {
      start[j] = now;
      done.emplace(now + jobs[j].duration_s, j);
    }
  }
  return start;
}

} // namespace

TEST_CASE("fifo blocks behind the head while fifo-skip lets a smaller job through") {
  // 1 node of 4 GPUs. a holds 3 GPUs until t=100; b needs 4 (waits); c needs 1 (fits now).
  std::vector<Job> jobs = {mk("a", 0, 100, 3), mk("b", 1, 10, 4), mk("c", 2, 10, 1)};
  auto c1 = nodes(1, 4);
  auto strict = run_plain(c1, jobs, "fifo", "first-fit", false);
  CHECK(strict == std::vector<double>{0, 100, 110});
  auto c2 = nodes(1, 4);
  auto skip = run_plain(c2, jobs, "fifo-skip", "first-fit", false);
  CHECK(skip == std::vector<double>{0, 100, 2});
}

TEST_CASE("sjf and priority reorder the waiting jobs") {
  // The node is busy until t=50; three jobs wait, each needing the whole node.
  std::vector<Job> jobs = {mk("busy", 0, 50, 2), mk("long", 1, 30, 2), mk("short", 2, 10, 2), mk("mid", 3, 20, 2)};
  jobs[1].priority = 1;
  jobs[3].priority = 9;
  auto c1 = nodes(1, 2);
  CHECK(run_plain(c1, jobs, "sjf", "first-fit", false) == std::vector<double>{0, 80, 50, 60});
  auto c2 = nodes(1, 2);
  CHECK(run_plain(c2, jobs, "priority", "first-fit", false) == std::vector<double>{0, 70, 100, 50});
}

TEST_CASE("a job no node could ever hold is unplaceable at once and does not block fifo") {
  auto c = nodes(2, 4);
  std::vector<Job> jobs = {mk("huge", 0, 10, 5), mk("cpu", 0, 10, 0, 64000), mk("ok", 1, 10, 4)};
  auto q = policies::make_queue("fifo", nlohmann::json::object());
  auto p = policies::make_placement("first-fit", nlohmann::json::object(), 1);
  Scheduler s(c, jobs, *q, *p);
  s.arrive(0, 0);
  s.arrive(1, 0);
  CHECK(s.records()[0].status == JobStatus::unplaceable);
  CHECK(s.records()[1].status == JobStatus::unplaceable);
  CHECK(s.queue_length() == 0);
  s.arrive(2, 1);
  std::vector<int> started;
  s.schedule(1, started);
  CHECK(started == std::vector<int>{2});
  CHECK(s.records()[2].status == JobStatus::running);
  s.complete(2, 11);
  CHECK(s.records()[2].finish_s == 11);
  CHECK(c.empty());
}

TEST_CASE("the fast pass starts exactly the jobs the naive pass starts, at the same times") {
  for (const char* queue : {"fifo", "fifo-skip", "sjf", "priority"}) {
    for (const char* placement : {"first-fit", "best-fit", "worst-fit"}) {
      CAPTURE(queue);
      CAPTURE(placement);
      Rng rng(11);
      std::vector<Job> jobs;
      double t = 0;
      for (int i = 0; i < 1500; ++i) {
        t += static_cast<double>(rng.below(20));
        static const int sizes[] = {0, 1, 1, 1, 2, 4, 8};
        const int g = sizes[rng.below(7)];
        const int milli = g == 1 && rng.below(3) == 0 ? 100 * static_cast<int>(1 + rng.below(9)) : 1000;
        Job j = mk("j" + std::to_string(i), t, static_cast<double>(1 + rng.below(400)), g,
                   static_cast<std::int64_t>(1000 * (1 + rng.below(24))), milli);
        j.priority = static_cast<int>(rng.below(4));
        jobs.push_back(j);
      }
      auto c1 = nodes(6, 8);
      auto c2 = nodes(6, 8);
      const auto fast = run_plain(c1, jobs, queue, placement, false);
      const auto naive = run_plain(c2, jobs, queue, placement, true);
      CHECK(fast == naive);
      CHECK(c1.empty());
      c1.check_invariants();
      // The workload is heavy enough that jobs really wait.
      double waited = 0;
      for (std::size_t i = 0; i < jobs.size(); ++i) waited += fast[i] - jobs[i].submit_s;
      CHECK(waited > 1000);
    }
  }
}
