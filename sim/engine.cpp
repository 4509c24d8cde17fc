#include "sim/engine.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <queue>
#include <stdexcept>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include "policies/registry.hpp"
#include "policies/scoring.hpp"
#include "sim/platform.hpp"
#include "sim/progress.hpp"
#include "sim/scenario.hpp"

namespace fleetsim {
namespace {

/// Delivers arrivals and completions in a deterministic order. SimGrid owns the clock and
/// fires one kernel timer per distinct event instant; at each firing we apply every event of
/// that instant (completions, then arrivals, each in job order), run one scheduling pass, and
/// arm the next timer. Timers of equal date fire in heap order, which SimGrid does not define,
/// so relying on one timer per event would make same-instant ordering non-deterministic.
class Driver {
public:
  Driver(ClusterState& cluster, const std::vector<Job>& jobs, Scheduler& sched, UtilizationObserver& util,
         std::optional<double> horizon, ProgressBar& progress)
      : cluster_(cluster), jobs_(jobs), sched_(sched), util_(util), horizon_(horizon), progress_(progress) {
    order_.resize(jobs.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(),
                     [&](int a, int b) { return jobs[static_cast<std::size_t>(a)].submit_s < jobs[static_cast<std::size_t>(b)].submit_s; });
  }

  void start() { arm(); }
  std::uint64_t instants() const { return instants_; }
  double last_instant() const { return last_instant_; }

private:
  using Completion = std::pair<double, int>;  // (time, job), min-heap
  double next_time() const {
    double t = std::numeric_limits<double>::infinity();
    if (next_arrival_ < order_.size()) t = jobs_[static_cast<std::size_t>(order_[next_arrival_])].submit_s;
    if (!completions_.empty()) t = std::min(t, completions_.top().first);
    return t;
  }

  void arm() {
    const double t = next_time();
    if (t == std::numeric_limits<double>::infinity()) return;
    if (horizon_ && t > *horizon_) return;
    simgrid::kernel::timer::Timer::set(t, [this] { fire(); });
  }

  void fire() {
    const double now = simgrid::s4u::Engine::get_clock();
    ++instants_;
    last_instant_ = now;
    while (!completions_.empty() && completions_.top().first <= now) {
      sched_.complete(completions_.top().second, now);
      completions_.pop();
      ++done_;
    }
    while (next_arrival_ < order_.size() && jobs_[static_cast<std::size_t>(order_[next_arrival_])].submit_s <= now) {
      const int j = order_[next_arrival_++];
      sched_.arrive(j, now);
      if (sched_.records()[static_cast<std::size_t>(j)].status == JobStatus::unplaceable) ++done_;
    }
    started_.clear();
    sched_.schedule(now, started_);
    for (int j : started_) completions_.emplace(now + jobs_[static_cast<std::size_t>(j)].duration_s, j);
    util_.observe(now, sched_.queue_length(), sched_.running(), sched_.touched_nodes());
    sched_.clear_touched();
    progress_.update(done_, now);
    arm();
  }

  ClusterState& cluster_;
  const std::vector<Job>& jobs_;
  Scheduler& sched_;
  UtilizationObserver& util_;
  std::optional<double> horizon_;
  ProgressBar& progress_;
  std::vector<int> order_;
  std::size_t next_arrival_ = 0;
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> completions_;
  std::vector<int> started_;
  std::uint64_t instants_ = 0, done_ = 0;
  double last_instant_ = 0;
};

} // namespace

RunResult run_simulation(const Scenario& sc, ClusterState& cluster, const std::vector<Job>& jobs,
                         const EngineOptions& opt, std::shared_ptr<const FragTarget> frag) {
  auto queue = policies::make_queue(sc.policy.queue, sc.policy.params);
  auto placement = policies::make_placement(sc.policy.placement, sc.policy.params, sc.seed);
  if (frag)
    if (auto* aware = dynamic_cast<policies::FragAware*>(placement.get())) aware->set_frag_target(frag);
  std::optional<FragTracker> tracker;
  if (frag && !frag->empty() && cluster.num_gpus() > 0) tracker.emplace(*frag, cluster);

  if (!opt.verbose) xbt_log_control_set("root.thresh:critical");
  int argc = 1;
  char arg0[] = "fleetsim";
  char* argv[] = {arg0, nullptr};
  simgrid::s4u::Engine engine(&argc, argv);

  RunResult out;
  const auto t0 = std::chrono::steady_clock::now();
  StaticPlatform platform = build_static_platform(cluster);
  out.platform.build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.platform.hosts = platform.node_hosts.size() + platform.gpu_hosts.size();
  out.platform.links = platform.links;

  Scheduler sched(cluster, jobs, *queue, *placement);
  UtilizationObserver util(cluster, opt.keep_series, tracker ? &*tracker : nullptr);
  ProgressBar progress(jobs.size(), opt.progress, "jobs");
  Driver driver(cluster, jobs, sched, util, sc.workload.horizon_s, progress);
  driver.start();
  engine.run();
  progress.done();

  const double end = sc.workload.horizon_s ? *sc.workload.horizon_s : driver.last_instant();
  util.finish(end);
  out.end_s = end;
  out.events = driver.instants();
  out.placement_calls = sched.placement_calls();

  // A deadlock would end run() quietly: every job must be accounted for.
  std::size_t accounted = 0;
  for (const auto& r : sched.records())
    accounted += r.status == JobStatus::completed || r.status == JobStatus::unplaceable ||
                 ((r.status == JobStatus::pending || r.status == JobStatus::running ||
                   r.status == JobStatus::not_arrived) && sc.workload.horizon_s);
  if (accounted != jobs.size())
    throw std::logic_error("simulation ended with " + std::to_string(jobs.size() - accounted) +
                           " jobs neither finished nor unplaceable and no horizon");
  cluster.check_invariants();

  out.metrics = compute_metrics(cluster, jobs, sched.records(), util);
  out.records = sched.records();
  out.series = util.series();
  return out;
}

} // namespace fleetsim
