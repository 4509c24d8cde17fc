#pragma once
// Runs pipelines (sim/model/job_work.hpp) in simulated time. Plain C++, no SimGrid: the engine
// feeds the runner the current time and it reports back through hooks (GPU busy changes, stage
// allocations to release, job completions). The two modes:
//
// monolithic     one container holds the union of the stages' requests (each resource at its
//                largest stage, stage requests times their workers) for the whole job; each
//                batch goes through the stages one after the other, a stage with w workers
//                splitting the batch (batch_s / w), and batch b+1 starts when batch b left the
//                last stage. Its GPUs are busy only while a GPU stage runs.
// disaggregated  every worker of every stage is its own allocation (placed together, like a
//                Ray placement group, anywhere it fits: CPU stages on CPU-only nodes). A worker
//                takes whole batches (batch_s each); consecutive stages are joined by a buffer
//                of `buffer` batches; a worker whose output buffer is full keeps its batch,
//                blocked and idle, until there is room. A worker is released as soon as its
//                stage has taken every batch and it is idle; a GPU is busy only while its
//                worker processes a batch.
// Batches are available from the job's start, or one every `arrival_interval_s` (request
// batches of an inference service), batch b at start + b * interval.
#include <cstdint>
#include <limits>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/job_work.hpp"

namespace fleetsim {

/// @brief Runs pipelines in simulated time. Times only move forward: advance(now) processes
/// every event at or before `now`.
class PipelineRunner {
public:
  struct Hooks {
    virtual ~Hooks() = default;
    /// GPU milli of `job` starts (delta > 0) or stops (delta < 0) doing GPU work.
    virtual void busy(int job, std::int64_t delta_milli, double now) = 0;
    /// A disaggregated worker is done for good: release part `part` of `job`.
    virtual void release_part(int job, int part, double now) = 0;
    /// The last batch left the last stage.
    virtual void finished(int job, double now) = 0;
  };

  explicit PipelineRunner(Hooks& hooks) : hooks_(hooks) {}

  /// @brief Starts `job` at `now`; its allocations are in place. `part_gpu_milli[p]` lists the
  /// milli of each GPU device (a GPU share or a MIG instance) of part p, in allocation order.
  /// `work` must outlive the run.
  void start(int job, const JobWork& work, const std::vector<std::vector<std::int32_t>>& part_gpu_milli, double now);
  /// @brief Time of the next event, +infinity when none.
  double next_time() const;
  /// @brief Processes every event at or before `now`.
  void advance(double now);

  std::size_t running() const { return runs_.size() - free_.size(); }
  /// @brief Stage executions completed (one worker, one batch; monolithic: one stage of a batch).
  std::uint64_t stage_runs() const { return stage_runs_; }
  std::uint64_t batches_done() const { return batches_done_; }
  std::uint64_t blocked_events() const { return blocked_; }

  /// @brief Run time of `work` alone from t = 0 (no queueing): the ideal duration of the job.
  static double ideal_duration(const JobWork& work);

private:
  enum class W : std::uint8_t { idle, busy, blocked, released };
  struct Worker {
    std::int32_t stage = 0;
    W state = W::idle;
    std::int64_t milli = 0;         // GPU milli busy while it works
    std::uint64_t blocked_seq = 0;  // order in which blocked workers get room
  };
  struct Run {
    int job = -1;
    std::uint32_t gen = 0;
    const JobWork* work = nullptr;
    const PipelineSpec* spec = nullptr;
    std::int64_t n = 0;
    double start = 0;
    bool source_pending = false;
    // disaggregated
    std::vector<Worker> workers;
    std::vector<std::int64_t> taken;   // batches taken by each stage
    std::vector<std::int64_t> buffer;  // buffer[s]: batches waiting between stage s and s + 1
    std::vector<std::int32_t> blocked; // workers blocked per stage
    std::vector<char> released;        // stage fully released
    std::int64_t out = 0;
    // monolithic
    std::int64_t batch = 0;
    std::int32_t stage = 0;
    std::vector<std::int64_t> stage_milli;
  };
  struct Event {
    double t;
    std::int32_t run;
    std::int32_t order;   // within a run: downstream stages first, the source last
    std::uint32_t gen;
    std::int32_t worker;  // -1: a batch arrives at the source
    bool operator>(const Event& o) const {
      if (t != o.t) return t > o.t;
      if (run != o.run) return run > o.run;
      return order > o.order;
    }
  };

  double available_at(const Run& r, std::int64_t b) const { return r.start + double(b) * r.spec->arrival_interval_s; }
  void push(double t, int run, int order, int worker);
  void handle(const Event& e);
  void mono_next(int ri, double now);
  void pump(int ri, double now);
  bool take(int ri, int s, double now);
  void finish(int ri, double now);

  Hooks& hooks_;
  std::vector<Run> runs_;
  std::vector<int> free_;
  mutable std::priority_queue<Event, std::vector<Event>, std::greater<>> heap_;  // stale tops dropped lazily
  std::uint64_t stage_runs_ = 0, batches_done_ = 0, blocked_ = 0, seq_ = 0;
};

} // namespace fleetsim
