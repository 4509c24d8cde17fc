#include "sim/engine/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <unordered_map>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include "policies/registry.hpp"
#include "policies/scoring.hpp"
#include "sim/sched/gang.hpp"
#include "sim/work/pipeline_runner.hpp"
#include "sim/engine/platform.hpp"
#include "sim/common/progress.hpp"
#include "sim/io/scenario.hpp"

namespace fleetsim {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

/// Drives a run. SimGrid owns the clock: it fires one kernel timer per distinct event instant
/// and runs the transfers of communicating jobs. At each timer the driver applies every event
/// of that instant in a fixed order (completions, then work starts, then arrivals, each in job
/// order), runs one scheduling pass, records metrics and arms the next timer. Timers of equal
/// date fire in an order SimGrid does not define, so one timer per event would make
/// same-instant ordering non-deterministic; transfers completing inside SimGrid only queue
/// events for the driver.
///
/// A job's life: start (allocated) -> setup (attaching pooled GPUs; allocated, not working)
/// -> work: its trace duration, or, with a communication profile, a ring all-reduce of all
/// its steps' bytes among its GPUs (SimGrid Comms over the links they use, shared with other
/// jobs) followed by its steps' compute time -> completion (released).
class Driver final : public PipelineRunner::Hooks {
public:
  Driver(ClusterState& cluster, const std::vector<Job>& jobs, Scheduler& sched, UtilizationObserver& util,
         std::optional<double> horizon, ProgressBar& progress, const Platform& platform, const LinkSpec& links)
      : cluster_(cluster), jobs_(jobs), sched_(sched), util_(util), horizon_(horizon), progress_(progress),
        platform_(platform), links_(links), pending_flows_(jobs.size(), 0), work_start_(jobs.size(), -1) {
    order_.resize(jobs.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
      return jobs[static_cast<std::size_t>(a)].submit_s < jobs[static_cast<std::size_t>(b)].submit_s;
    });
    simgrid::s4u::Activity::on_completion_cb([this](const simgrid::s4u::Activity& a) { on_flow_done(a); });
  }

  void start() { arm(); }
  /// @brief Jobs of several allocations and MIG instances are held through `p`.
  void set_parts(const PartsPlacer* p) { parts_ = p; }
  const PipelineRunner& pipelines() const { return pipes_; }
  std::uint64_t instants() const { return instants_; }
  std::uint64_t flows() const { return flows_started_; }
  double last_instant() const { return last_instant_; }
  /// @brief When job j's work began (after setup), or -1.
  const std::vector<double>& work_start() const { return work_start_; }

private:
  enum Kind : int { kComplete = 0, kBeginWork = 1 };
  struct Event {
    double t;
    int kind;
    int job;
    bool operator>(const Event& o) const { return std::tie(t, kind, job) > std::tie(o.t, o.kind, o.job); }
  };

  double next_time() const {
    double t = kNever;
    if (next_arrival_ < order_.size()) t = jobs_[static_cast<std::size_t>(order_[next_arrival_])].submit_s;
    if (!events_.empty()) t = std::min(t, events_.top().t);
    t = std::min(t, pipes_.next_time());
    return t;
  }

  void arm() {
    const double t = next_time();
    if (t == kNever || (horizon_ && t > *horizon_)) return;
    if (armed_ && armed_at_ <= t) return;
    if (armed_) armed_->remove();
    armed_at_ = t;
    armed_ = simgrid::kernel::timer::Timer::set(t, [this] { fire(); });
  }

  void push(double t, int kind, int job) {
    events_.push({t, kind, job});
  }

  void fire() {
    armed_ = nullptr;
    armed_at_ = kNever;
    finished_flows_.clear();  // their Comms' on_completion callbacks have returned by now
    const double now = simgrid::s4u::Engine::get_clock();
    ++instants_;
    last_instant_ = now;
    begin_.clear();
    while (!events_.empty() && events_.top().t <= now) {
      const Event e = events_.top();
      events_.pop();
      if (e.kind == kComplete) {
        stop_busy(e.job, now);
        sched_.complete(e.job, now);
        ++done_;
      } else {
        begin_.push_back(e.job);
      }
    }
    pipes_.advance(now);  // pipeline stages: batches done, workers released, jobs finished
    for (int j : begin_) begin_work(j, now);
    while (next_arrival_ < order_.size() &&
           jobs_[static_cast<std::size_t>(order_[next_arrival_])].submit_s <= now) {
      const int j = order_[next_arrival_++];
      sched_.arrive(j, now);
      if (sched_.records()[static_cast<std::size_t>(j)].status == JobStatus::unplaceable) ++done_;
    }
    started_.clear();
    sched_.schedule(now, started_);
    for (int j : started_) {
      const JobRecord& r = sched_.records()[static_cast<std::size_t>(j)];
      const double setup = (r.attached > 0 ? links_.attach_s : 0.0) + (r.detached > 0 ? links_.detach_s : 0.0);
      sched_.set_setup(j, setup);
      if (setup > 0) push(now + setup, kBeginWork, j);
      else begin_work(j, now);
    }
    util_.observe(now, sched_.queue_length(), sched_.running(), sched_.touched_nodes());
    sched_.clear_touched();
    progress_.update(done_, now);
    arm();
  }

  /// The endpoints of the ring edge from GPU i to GPU i+1 of the job: NVLink ports for local
  /// GPUs; PCIe slots for two pooled GPUs of one chassis; slots and chassis uplinks otherwise.
  std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*> ring_edge(const Allocation& a, int i, int k) const {
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

  void begin_work(int j, double now) {
    work_start_[static_cast<std::size_t>(j)] = now;
    const Job& job = jobs_[static_cast<std::size_t>(j)];
    if (job.work && job.work->pipeline) {  // stages in batches: the runner reports busy and completion
      const JobRecord& r = sched_.records()[static_cast<std::size_t>(j)];
      std::vector<std::vector<std::int32_t>> devices;
      if (r.parts.empty()) devices.push_back(shares(r.alloc));
      for (std::size_t p = 0; p < r.parts.size(); ++p)
        devices.push_back(parts_ ? parts_->devices(j, static_cast<int>(p), r.parts[p]) : shares(r.parts[p]));
      pipes_.start(j, *job.work, devices, now);
      return;
    }
    start_busy(j, now);  // without stages, its GPUs are busy from now to completion
    const CommProfile& p = job.profile;
    if (p.steps <= 0) {
      push(now + job.duration_s, kComplete, j);
      return;
    }
    const double compute = static_cast<double>(p.steps) * p.step_compute_s;
    const auto& alloc = sched_.records()[static_cast<std::size_t>(j)].alloc;
    const int k = alloc.num_gpus();
    if (k < 2 || p.allreduce_bytes <= 0) {
      push(now + compute, kComplete, j);
      return;
    }
    // Ring all-reduce: each GPU sends 2(k-1)/k of the buffer to its successor per step.
    const double per_flow = static_cast<double>(p.steps) * 2.0 * (k - 1) / k * p.allreduce_bytes;
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
  }

  void on_flow_done(const simgrid::s4u::Activity& a) {
    const auto tag = reinterpret_cast<std::intptr_t>(a.get_data<void>());
    if (tag <= 0) return;
    const int j = static_cast<int>(tag - 1);
    auto it = running_flows_.find(&a);
    if (it != running_flows_.end()) {
      finished_flows_.push_back(std::move(it->second));  // keep alive until the callback returns
      running_flows_.erase(it);
    }
    if (--pending_flows_[static_cast<std::size_t>(j)] > 0) return;
    const CommProfile& p = jobs_[static_cast<std::size_t>(j)].profile;
    push(simgrid::s4u::Engine::get_clock() + static_cast<double>(p.steps) * p.step_compute_s, kComplete, j);
    arm();
  }

  static std::vector<std::int32_t> shares(const Allocation& a) {
    std::vector<std::int32_t> d;
    for (const auto* s : {&a.gpus, &a.pool})
      for (const auto& g : *s) d.push_back(g.milli);
    return d;
  }
  void start_busy(int j, double now) {
    const JobRecord& r = sched_.records()[static_cast<std::size_t>(j)];
    std::int64_t m = r.alloc.total_gpu_milli();
    if (!r.parts.empty()) {
      m = 0;
      for (const auto& a : r.parts) m += a.total_gpu_milli();
    }
    if (m == 0) return;
    if (busy_of_.size() < jobs_.size()) busy_of_.resize(jobs_.size(), 0);
    busy_of_[static_cast<std::size_t>(j)] = m;
    util_.add_busy(j, m, now);
  }
  void stop_busy(int j, double now) {
    if (static_cast<std::size_t>(j) >= busy_of_.size() || busy_of_[static_cast<std::size_t>(j)] == 0) return;
    util_.add_busy(j, -busy_of_[static_cast<std::size_t>(j)], now);
    busy_of_[static_cast<std::size_t>(j)] = 0;
  }
  // PipelineRunner::Hooks
  void busy(int job, std::int64_t delta_milli, double now) override { util_.add_busy(job, delta_milli, now); }
  void release_part(int job, int part, double now) override {
    // A pipeline of one worker holds one plain allocation, released when it finishes (now).
    if (!sched_.records()[static_cast<std::size_t>(job)].parts.empty()) sched_.release_part(job, part, now);
  }
  void finished(int job, double now) override {
    sched_.complete(job, now);
    ++done_;
  }

  ClusterState& cluster_;
  const std::vector<Job>& jobs_;
  Scheduler& sched_;
  UtilizationObserver& util_;
  std::optional<double> horizon_;
  ProgressBar& progress_;
  const Platform& platform_;
  const LinkSpec& links_;
  std::vector<int> order_;
  std::size_t next_arrival_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::vector<int> started_, begin_;
  std::vector<int> pending_flows_;
  std::vector<double> work_start_;
  std::unordered_map<const simgrid::s4u::Activity*, simgrid::s4u::CommPtr> running_flows_;
  std::vector<simgrid::s4u::CommPtr> finished_flows_;
  simgrid::kernel::timer::Timer* armed_ = nullptr;
  double armed_at_ = kNever;
  std::uint64_t instants_ = 0, done_ = 0, flows_started_ = 0;
  double last_instant_ = 0;
  const PartsPlacer* parts_ = nullptr;
  PipelineRunner pipes_{*this};
  std::vector<std::int64_t> busy_of_;  // GPU milli each running job without stages keeps busy
};

} // namespace

RunResult run_simulation(const Scenario& sc, ClusterState& cluster, const std::vector<Job>& jobs,
                         const EngineOptions& opt, std::shared_ptr<const FragTarget> frag) {
  auto queue = policies::make_queue(sc.policy.queue, sc.policy.params);
  policies::PolicyContext ctx;
  ctx.params = sc.policy.params;
  ctx.seed = sc.seed;
  ctx.frag_target = frag;
  auto placement = policies::make_placement(sc.policy.placement, ctx);
  std::optional<FragTracker> tracker;
  if (frag && !frag->empty() && cluster.num_gpus() > 0) tracker.emplace(*frag, cluster);

  if (!opt.verbose) xbt_log_control_set("root.thresh:critical");
  int argc = 1;
  char arg0[] = "fleetsim";
  char* argv[] = {arg0, nullptr};
  simgrid::s4u::Engine engine(&argc, argv);
  // Max-min fair sharing without TCP correction factors: a transfer alone on its path takes
  // latency + bytes / bandwidth exactly.
  engine.set_config("network/model:CM02");
  engine.set_config("network/crosstraffic:0");

  RunResult out;
  const auto t0 = std::chrono::steady_clock::now();
  Platform platform = build_platform(cluster, sc.cluster.links);
  out.platform.build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.platform.hosts = platform.node_hosts.size() + platform.gpu_hosts.size() + platform.chassis_hosts.size() +
                       platform.fabric_hosts.size();
  out.platform.links = platform.links;

  Scheduler sched(cluster, jobs, *queue, *placement);
  PartsPlacer parts(cluster, opt.mig);
  sched.set_parts_placer(&parts);
  StrandedTracker stranded(cluster, jobs);
  UtilizationObserver util(cluster, opt.keep_series, tracker ? &*tracker : nullptr,
                           cluster.num_gpus() > 0 ? &stranded : nullptr);
  ProgressBar progress(jobs.size(), opt.progress, "jobs");
  Driver driver(cluster, jobs, sched, util, sc.workload.horizon_s, progress, platform, sc.cluster.links);
  driver.set_parts(&parts);
  driver.start();
  engine.run();
  progress.done();

  const double end = sc.workload.horizon_s ? *sc.workload.horizon_s : driver.last_instant();
  util.finish(end);
  out.end_s = end;
  out.events = driver.instants();
  out.flows = driver.flows();
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

  out.records = sched.records();
  account_gpu_time(out.records, util, end);
  out.metrics = compute_metrics(cluster, jobs, out.records, util);
  // Pipelines and MIG, when the run has them.
  std::size_t mono = 0, dis = 0;
  for (const auto& j : jobs)
    if (j.work && j.work->pipeline) ++(j.work->mode == ExecMode::monolithic ? mono : dis);
  if (mono + dis > 0) {
    const auto& pr = driver.pipelines();
    nlohmann::ordered_json p;
    p["jobs"] = mono + dis;
    p["monolithic"] = mono;
    p["disaggregated"] = dis;
    p["batches_done"] = pr.batches_done();
    p["stage_runs"] = pr.stage_runs();
    p["blocked_on_full_buffer"] = pr.blocked_events();
    out.metrics["pipelines"] = p;
  }
  if (parts.mig_gpus() > 0) {
    nlohmann::ordered_json m;
    m["gpus"] = parts.mig_gpus();
    m["instances_created"] = parts.instances_created();
    m["instances_reused"] = parts.instances_reused();
    m["instances_destroyed"] = parts.instances_destroyed();
    out.metrics["mig"] = m;
  }
  out.series = util.series();
  return out;
}

} // namespace fleetsim
