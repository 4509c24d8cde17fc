#pragma once
// Metrics: exact time integrals of allocated resources (piecewise constant between events),
// the time series of every change, and job statistics. Plain C++, no SimGrid.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/model/cluster.hpp"
#include "sim/measure/fragmentation.hpp"
#include "sim/measure/stranded.hpp"
#include "sim/model/job.hpp"
#include "sim/model/job_record.hpp"

namespace fleetsim {

/// @brief State of the cluster from one instant until the next change.
struct Sample {
  double time_s = 0;
  std::int64_t gpu_alloc_milli = 0;
  std::int64_t cpu_alloc_milli = 0;
  std::int64_t mem_alloc_mib = 0;
  std::int64_t free_whole_gpus = 0;
  std::int64_t queue_length = 0;
  std::int64_t running_jobs = 0;
  double frag_gpus = 0;   ///< sum of node fragments F_n / 1000 (0 without a fragmentation tracker)
  double frag_ratio = 0;  ///< sum F_n / idle GPU milli
  std::int64_t stranded_gpus = 0;  ///< free whole GPUs no job could use where they are
  std::int64_t gpu_busy_milli = 0;  ///< allocated milli-GPU doing GPU work (<= gpu_alloc_milli)
  bool operator==(const Sample&) const = default;
};

/// @brief Observes the cluster after every instant that changed it and integrates exactly.
class UtilizationObserver {
public:
  /// @brief `keep_series` keeps every sample for timeseries.csv.
  /// `frag` (optional) is kept up to date for the nodes each observe() is told changed.
  UtilizationObserver(const ClusterState& cluster, bool keep_series, FragTracker* frag = nullptr,
                      StrandedTracker* stranded = nullptr);
  /// @brief Records the state at `now` (call once the instant's events and pass are applied);
  /// `changed` lists the nodes allocated on or released since the last call. The previous state
  /// is integrated over [previous time, now).
  void observe(double now, std::size_t queue_length, std::size_t running, const std::vector<int>& changed = {});
  /// @brief Closes the integral at `end_s` (the horizon or the last event).
  void finish(double end_s);
  /// @brief Restricts every integral to [start_s, end_s) (metrics.window); call before the
  /// first observe(). Default: [0, the end given to finish()).
  void set_window(double start_s, double end_s);
  /// @brief Whether set_window() was called.
  bool windowed() const { return windowed_; }
  /// @brief The window actually measured (after finish()): [start, min(end, run end)].
  double window_start() const { return ws_; }
  double window_end() const { return std::min(we_, end_s_); }
  /// @brief window_end() - window_start(), or 0.
  double window_length() const { return std::max(0.0, window_end() - window_start()); }
  /// @brief `t` clamped into the window.
  double clip(double t) const { return std::clamp(t, ws_, std::max(ws_, we_)); }
  /// @brief `delta_milli` of job `job`'s allocated GPU milli starts (> 0) or stops (< 0) doing
  /// GPU work at `now`, the instant being applied (before its observe()). A GPU is busy while a
  /// job without stages works (after its setup) or while a GPU stage runs a batch.
  void add_busy(int job, std::int64_t delta_milli, double now);
  /// @brief Milli-GPU doing GPU work now.
  std::int64_t busy_milli() const { return busy_; }
  /// @brief Integral of busy milli-GPU over time, in milli-GPU-seconds.
  long double gpu_busy_milli_seconds() const { return busy_area_; }
  /// @brief Busy milli-GPU-seconds of job j in the window (after finish()).
  long double job_busy_milli_seconds(int j) const {
    return static_cast<std::size_t>(j) < job_busy_.size() ? job_busy_[static_cast<std::size_t>(j)] : 0.0L;
  }

  const std::vector<Sample>& series() const { return series_; }
  /// @brief Integral of allocated milli-GPU over time, in milli-GPU-seconds.
  long double gpu_milli_seconds() const { return gpu_area_; }
  long double cpu_milli_seconds() const { return cpu_area_; }
  long double mem_mib_seconds() const { return mem_area_; }
  /// @brief Integrals of frag_gpus and frag_ratio over time (0 without a tracker).
  long double frag_gpu_seconds() const { return frag_gpu_area_; }
  long double frag_ratio_seconds() const { return frag_ratio_area_; }
  bool has_fragmentation() const { return frag_ != nullptr; }
  /// @brief Integral of stranded GPUs over time, GPU-seconds (0 without a tracker).
  long double stranded_gpu_seconds() const { return stranded_area_; }
  bool has_stranded() const { return stranded_ != nullptr; }
  double end_s() const { return end_s_; }

private:
  void integrate_to(double t);

  const ClusterState& cluster_;
  bool keep_series_;
  FragTracker* frag_;
  StrandedTracker* stranded_;
  long double frag_gpu_area_ = 0, frag_ratio_area_ = 0, stranded_area_ = 0;
  Sample last_{};
  bool has_last_ = false;
  long double gpu_area_ = 0, cpu_area_ = 0, mem_area_ = 0;
  std::int64_t busy_ = 0;
  long double busy_area_ = 0;
  std::vector<long double> job_busy_;    // per job, telescoping: -d*t when d starts, +d*t when it stops
  std::vector<std::int64_t> job_level_;  // per job, busy milli now
  double end_s_ = 0;
  bool windowed_ = false;
  double ws_ = 0, we_ = std::numeric_limits<double>::infinity();
  std::vector<Sample> series_;
};

/// @brief mean, p50, p95, p99, max of a sample (nearest-rank percentiles); zeros when empty.
struct Stats {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;
};
Stats compute_stats(std::vector<double> values);

/// @brief Fills each record's gpu_alloc_milli_s (every allocation, local and pooled shares
/// and MIG instances, from its start until its release or `end_s`) and gpu_busy_milli_s (from
/// the observer, after its finish()).
void account_gpu_time(std::vector<JobRecord>& records, const UtilizationObserver& util, double end_s);

/// @brief Every metric of one run, in the order summary.json lists them.
nlohmann::ordered_json compute_metrics(const ClusterState& cluster, const std::vector<Job>& jobs,
                                       const std::vector<JobRecord>& records, const UtilizationObserver& util);

} // namespace fleetsim
