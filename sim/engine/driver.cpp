// The event loop of a run (see driver.hpp): kernel timers, the event queue, arrivals, work
// starts and completions, one scheduling pass per instant, observation and progress.
#include "sim/engine/driver.hpp"

#include <algorithm>
#include <numeric>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>

#include "sim/common/progress.hpp"
#include "sim/model/topology.hpp"
#include "sim/sched/gang.hpp"

namespace fleetsim {
namespace {

/// The milli of each GPU device of an allocation, local GPUs then pooled ones.
std::vector<std::int32_t> shares(const Allocation& a) {
  std::vector<std::int32_t> d;
  for (const auto* s : {&a.gpus, &a.pool})
    for (const auto& g : *s) d.push_back(g.milli);
  return d;
}

} // namespace

Driver::Driver(ClusterState& cluster, const std::vector<Job>& jobs, Scheduler& sched, UtilizationObserver& util,
               std::optional<double> horizon, ProgressBar& progress, const Platform& platform, const LinkSpec& links)
    : jobs_(jobs), sched_(sched), util_(util), horizon_(horizon), progress_(progress), links_(links),
      work_start_(jobs.size(), -1), comms_(cluster, platform, jobs.size(), [this](int j) { flows_done(j); }),
      busy_(util, jobs.size()) {
  order_.resize(jobs.size());
  std::iota(order_.begin(), order_.end(), 0);
  std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
    return jobs[static_cast<std::size_t>(a)].submit_s < jobs[static_cast<std::size_t>(b)].submit_s;
  });
}

double Driver::next_time() const {
  double t = kNever;
  if (next_arrival_ < order_.size()) t = jobs_[static_cast<std::size_t>(order_[next_arrival_])].submit_s;
  if (!events_.empty()) t = std::min(t, events_.top().t);
  t = std::min(t, pipes_.next_time());
  return t;
}

void Driver::arm() {
  const double t = next_time();
  if (t == kNever || (horizon_ && t > *horizon_)) return;
  if (armed_ && armed_at_ <= t) return;
  if (armed_) armed_->remove();
  armed_at_ = t;
  armed_ = simgrid::kernel::timer::Timer::set(t, [this] { fire(); });
}

void Driver::fire() {
  armed_ = nullptr;
  armed_at_ = kNever;
  comms_.release_finished();  // their Comms' on_completion callbacks have returned by now
  const double now = simgrid::s4u::Engine::get_clock();
  ++instants_;
  last_instant_ = now;
  begin_.clear();
  while (!events_.empty() && events_.top().t <= now) {
    const Event e = events_.top();
    events_.pop();
    if (e.kind == kComplete) {
      busy_.stop(e.job, now);
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

void Driver::begin_work(int j, double now) {
  work_start_[static_cast<std::size_t>(j)] = now;
  const Job& job = jobs_[static_cast<std::size_t>(j)];
  const JobRecord& r = sched_.records()[static_cast<std::size_t>(j)];
  if (job.work && job.work->pipeline) {  // stages in batches: the runner reports busy and completion
    std::vector<std::vector<std::int32_t>> devices;
    if (r.parts.empty()) devices.push_back(shares(r.alloc));
    for (std::size_t p = 0; p < r.parts.size(); ++p)
      devices.push_back(parts_ ? parts_->devices(j, static_cast<int>(p), r.parts[p]) : shares(r.parts[p]));
    pipes_.start(j, *job.work, devices, now);
    return;
  }
  busy_.start(j, r, now);  // without stages, its GPUs are busy from now to completion
  const CommProfile& p = job.profile;
  if (p.steps <= 0) {
    push(now + job.duration_s, kComplete, j);
    return;
  }
  // With a communication profile: the ring all-reduce of all its steps, then their compute
  // time (flows_done), or the compute time alone when there is nothing to exchange.
  const double compute = static_cast<double>(p.steps) * p.step_compute_s;
  if (!comms_.start(j, r.alloc, p)) push(now + compute, kComplete, j);
}

void Driver::flows_done(int j) {
  const CommProfile& p = jobs_[static_cast<std::size_t>(j)].profile;
  push(simgrid::s4u::Engine::get_clock() + static_cast<double>(p.steps) * p.step_compute_s, kComplete, j);
  arm();
}

void Driver::release_part(int job, int part, double now) {
  // A pipeline of one worker holds one plain allocation, released when it finishes (now).
  if (!sched_.records()[static_cast<std::size_t>(job)].parts.empty()) sched_.release_part(job, part, now);
}

void Driver::finished(int job, double now) {
  sched_.complete(job, now);
  ++done_;
}

} // namespace fleetsim
