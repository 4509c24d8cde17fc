#pragma once
// Busy-time accounting: which GPU milli of each job are doing GPU work, as opposed to merely
// allocated, fed to UtilizationObserver::add_busy. A job without stages keeps every GPU milli it
// holds busy from the start of its work (after setup) to its completion; a pipeline's GPUs are
// busy only while a GPU stage runs a batch, as PipelineRunner reports.
//
// It lives in the measurement layer, the lowest one it fits: it reads job records
// (sim/model) and feeds the utilization observer (sim/measure), and needs no clock and no
// SimGrid. sim/work cannot see the observer, and the engine only has to call it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/measure/metrics.hpp"
#include "sim/model/job_record.hpp"

namespace fleetsim {

class BusyAccounting {
public:
  /// @brief Accounts for jobs 0 .. jobs-1 into `util` (which must outlive this).
  BusyAccounting(UtilizationObserver& util, std::size_t jobs) : util_(util), jobs_(jobs) {}

  /// @brief Job `job` (without stages) begins its work at `now`: every GPU milli of its
  /// allocation, or of all its parts when it has several, is busy until stop().
  void start(int job, const JobRecord& record, double now);
  /// @brief Job `job` completes at `now`: what start() made busy stops being busy (nothing
  /// when start() was not called or found no GPU).
  void stop(int job, double now);
  /// @brief `delta_milli` of job `job`'s GPU milli start (> 0) or stop (< 0) doing GPU work at
  /// `now`: pipeline stages (PipelineRunner::Hooks::busy).
  void change(int job, std::int64_t delta_milli, double now) { util_.add_busy(job, delta_milli, now); }

private:
  UtilizationObserver& util_;
  std::size_t jobs_;
  std::vector<std::int64_t> busy_of_;  // GPU milli each running job without stages keeps busy
};

} // namespace fleetsim
