#pragma once
// What happened to one job in a run: its status, when it started and finished, what it held.
// Written by the scheduler and the engine, read by measurement and the output writers.
#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/model/cluster.hpp"

namespace fleetsim {

enum class JobStatus : std::uint8_t { not_arrived, pending, running, completed, unplaceable };
std::string_view to_string(JobStatus s);

struct JobRecord {
  JobStatus status = JobStatus::not_arrived;
  double start_s = -1;
  double finish_s = -1;
  Allocation alloc;
  std::int32_t attached = 0;  ///< pooled GPUs attached to start it (composable)
  std::int32_t detached = 0;  ///< of which detached from other servers first (re-composition)
  double setup_s = 0;         ///< time from start until its work began (attach/detach)
  /// Jobs of several allocations (gangs, disaggregated pipelines) and MIG instances: every
  /// allocation, in part order (alloc is parts[0]); empty for other jobs.
  std::vector<Allocation> parts;
  std::vector<double> part_end_s;     ///< when each part was released (-1 while held)
  long double gpu_alloc_milli_s = 0;  ///< after the run: milli-GPU-seconds allocated in the window
  long double gpu_busy_milli_s = 0;   ///< after the run: milli-GPU-seconds doing GPU work in the window
};

} // namespace fleetsim
