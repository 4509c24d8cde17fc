#pragma once
// The event loop of a run. SimGrid owns the clock: the driver arms one kernel timer per
// distinct event instant and, at each, applies that instant's events (completions, work
// starts, arrivals), runs one scheduling pass, records metrics and arms the next timer. What a
// job does while it works is delegated: transfers to the communication model
// (communication.hpp), stages to the pipeline runner (sim/work/pipeline_runner.hpp), GPU busy
// time to the busy accounting (sim/measure/busy.hpp). run_simulation() (simulation.hpp) wires
// it up.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <queue>
#include <tuple>
#include <vector>

#include "sim/engine/communication.hpp"
#include "sim/engine/platform.hpp"
#include "sim/measure/busy.hpp"
#include "sim/measure/metrics.hpp"
#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"
#include "sim/sched/scheduler.hpp"
#include "sim/work/pipeline_runner.hpp"

namespace simgrid::kernel::timer {
class Timer;
} // namespace simgrid::kernel::timer

namespace fleetsim {

class PartsPlacer;  // sim/sched/gang.hpp
class ProgressBar;  // sim/common/progress.hpp
struct LinkSpec;    // sim/model/topology.hpp

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
         std::optional<double> horizon, ProgressBar& progress, const Platform& platform, const LinkSpec& links);
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  void start() { arm(); }
  /// @brief Jobs of several allocations and MIG instances are held through `p`.
  void set_parts(const PartsPlacer* p) { parts_ = p; }
  const PipelineRunner& pipelines() const { return pipes_; }
  std::uint64_t instants() const { return instants_; }
  std::uint64_t flows() const { return comms_.flows(); }
  double last_instant() const { return last_instant_; }
  /// @brief When job j's work began (after setup), or -1.
  const std::vector<double>& work_start() const { return work_start_; }

private:
  static constexpr double kNever = std::numeric_limits<double>::infinity();
  enum Kind : int { kComplete = 0, kBeginWork = 1 };
  struct Event {
    double t;
    int kind;
    int job;
    bool operator>(const Event& o) const { return std::tie(t, kind, job) > std::tie(o.t, o.kind, o.job); }
  };

  double next_time() const;
  void arm();
  void push(double t, int kind, int job) { events_.push({t, kind, job}); }
  void fire();
  void begin_work(int j, double now);
  void flows_done(int j);

  // PipelineRunner::Hooks
  void busy(int job, std::int64_t delta_milli, double now) override { busy_.change(job, delta_milli, now); }
  void release_part(int job, int part, double now) override;
  void finished(int job, double now) override;

  const std::vector<Job>& jobs_;
  Scheduler& sched_;
  UtilizationObserver& util_;
  std::optional<double> horizon_;
  ProgressBar& progress_;
  const LinkSpec& links_;
  std::vector<int> order_;
  std::size_t next_arrival_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::vector<int> started_, begin_;
  std::vector<double> work_start_;
  simgrid::kernel::timer::Timer* armed_ = nullptr;
  double armed_at_ = kNever;
  std::uint64_t instants_ = 0, done_ = 0;
  double last_instant_ = 0;
  const PartsPlacer* parts_ = nullptr;
  CommunicationModel comms_;
  PipelineRunner pipes_{*this};
  BusyAccounting busy_;
};

} // namespace fleetsim
