#include "sim/measure/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace fleetsim {

UtilizationObserver::UtilizationObserver(const ClusterState& cluster, bool keep_series, FragTracker* frag,
                                         StrandedTracker* stranded)
    : cluster_(cluster), keep_series_(keep_series), frag_(frag), stranded_(stranded) {}

void UtilizationObserver::set_window(double start_s, double end_s) {
  windowed_ = true;
  ws_ = start_s;
  we_ = end_s;
}

void UtilizationObserver::integrate_to(double t) {
  if (!has_last_ || t <= last_.time_s) return;
  // Only the part of [last, t) inside the window counts (the whole of it without a window).
  const double a = clip(last_.time_s), b = clip(t);
  if (b <= a) return;
  const long double dt = static_cast<long double>(b) - static_cast<long double>(a);
  gpu_area_ += dt * last_.gpu_alloc_milli;
  cpu_area_ += dt * last_.cpu_alloc_milli;
  mem_area_ += dt * last_.mem_alloc_mib;
  frag_gpu_area_ += dt * last_.frag_gpus;
  frag_ratio_area_ += dt * last_.frag_ratio;
  stranded_area_ += dt * last_.stranded_gpus;
  busy_area_ += dt * last_.gpu_busy_milli;
}

void UtilizationObserver::add_busy(int job, std::int64_t delta, double now) {
  const auto j = static_cast<std::size_t>(job);
  if (j >= job_busy_.size()) {
    job_busy_.resize(j + 1, 0.0L);
    job_level_.resize(j + 1, 0);
  }
  busy_ += delta;
  job_level_[j] += delta;
  job_busy_[j] -= static_cast<long double>(delta) * static_cast<long double>(clip(now));
  if (busy_ < 0 || job_level_[j] < 0 || busy_ > cluster_.alloc_gpu_milli())
    throw std::logic_error("GPU busy accounting: job " + std::to_string(job) + " busy below 0 or above its allocation");
}

void UtilizationObserver::observe(double now, std::size_t queue_length, std::size_t running,
                                  const std::vector<int>& changed) {
  if (!has_last_ && now > 0) {
    // The window starts at t = 0 with an idle cluster.
    last_ = Sample{0, 0, 0, 0, cluster_.num_gpus(), 0, 0, 0, 0};
    if (frag_) {
      last_.frag_gpus = frag_->frag_gpus();
      last_.frag_ratio = frag_->frag_ratio(cluster_);
    }
    if (stranded_) last_.stranded_gpus = stranded_->stranded(cluster_);
    has_last_ = true;
    if (keep_series_) series_.push_back(last_);
  }
  if (frag_)
    for (int n : changed) frag_->update(cluster_, n);
  if (stranded_)
    for (int n : changed) stranded_->update(cluster_, n);
  integrate_to(now);
  Sample s{now,
           cluster_.alloc_gpu_milli(),
           cluster_.alloc_cpu_milli(),
           cluster_.alloc_memory_mib(),
           cluster_.free_whole_gpus(),
           static_cast<std::int64_t>(queue_length),
           static_cast<std::int64_t>(running),
           frag_ ? frag_->frag_gpus() : 0.0,
           frag_ ? frag_->frag_ratio(cluster_) : 0.0,
           stranded_ ? stranded_->stranded(cluster_) : 0};
  s.gpu_busy_milli = busy_;
  if (keep_series_) {
    Sample same = s;  // a row only where something changed
    if (!series_.empty()) same.time_s = series_.back().time_s;
    if (!series_.empty() && series_.back().time_s == now) series_.back() = s;
    else if (series_.empty() || !(same == series_.back())) series_.push_back(s);
  }
  last_ = s;
  has_last_ = true;
}

void UtilizationObserver::finish(double end_s) {
  integrate_to(end_s);
  end_s_ = end_s;
  for (std::size_t j = 0; j < job_busy_.size(); ++j)  // work still running at the end counts until then
    job_busy_[j] += static_cast<long double>(job_level_[j]) * static_cast<long double>(clip(end_s));
  if (has_last_) last_.time_s = std::max(last_.time_s, end_s);
}

void account_gpu_time(std::vector<JobRecord>& records, const UtilizationObserver& util, double end_s) {
  const double ws = util.window_start(), we = std::min(util.window_end(), end_s);
  auto clip = [&](double t) { return std::clamp(t, ws, std::max(ws, we)); };
  for (std::size_t j = 0; j < records.size(); ++j) {
    auto& r = records[j];
    r.gpu_busy_milli_s = util.job_busy_milli_seconds(static_cast<int>(j));
    r.gpu_alloc_milli_s = 0;
    if (r.start_s < 0 || r.status == JobStatus::unplaceable) continue;
    const double end = r.status == JobStatus::completed ? r.finish_s : end_s;
    auto held = [&](const Allocation& a, double until) {
      return static_cast<long double>(a.total_gpu_milli()) *
             (static_cast<long double>(clip(until)) - static_cast<long double>(clip(r.start_s)));
    };
    if (r.parts.empty()) {
      r.gpu_alloc_milli_s = held(r.alloc, end);
      continue;
    }
    for (std::size_t p = 0; p < r.parts.size(); ++p)
      r.gpu_alloc_milli_s += held(r.parts[p], r.part_end_s[p] >= 0 ? r.part_end_s[p] : end);
  }
}

Stats compute_stats(std::vector<double> v) {
  Stats s;
  s.count = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  long double sum = 0;
  for (double x : v) sum += x;
  s.mean = static_cast<double>(sum / static_cast<long double>(v.size()));
  auto rank = [&](double p) {
    // Nearest rank: the smallest value with at least p% of the sample at or below it.
    auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(k, 1, v.size()) - 1];
  };
  s.p50 = rank(50);
  s.p95 = rank(95);
  s.p99 = rank(99);
  s.max = v.back();
  return s;
}

static nlohmann::ordered_json stats_json(const Stats& s) {
  nlohmann::ordered_json j;
  j["count"] = s.count;
  j["mean"] = s.mean;
  j["p50"] = s.p50;
  j["p95"] = s.p95;
  j["p99"] = s.p99;
  j["max"] = s.max;
  return j;
}

static double ratio(long double area, long double capacity, double window) {
  if (capacity <= 0 || window <= 0) return 0.0;
  return static_cast<double>(area / (capacity * static_cast<long double>(window)));
}

nlohmann::ordered_json compute_metrics(const ClusterState& cluster, const std::vector<Job>& jobs,
                                       const std::vector<JobRecord>& records, const UtilizationObserver& util) {
  std::size_t completed = 0, unplaceable = 0, pending = 0, running = 0, not_arrived = 0;
  std::vector<double> waits, jcts, slowdowns, runs;
  // censored: jobs still waiting at the end, counted in wait_s with their wait so far.
  std::size_t censored = 0, in_window = 0;
  const double end_s = util.end_s();
  std::map<int, std::pair<long double, std::size_t>> run_by_gpus;  // num_gpu -> (sum of run_s, count)
  double first_submit = std::numeric_limits<double>::infinity(), last_finish = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& r = records[i];
    const auto& j = jobs[i];
    switch (r.status) {  // the job counts are over the whole run: they add up to the total
      case JobStatus::completed: ++completed; break;
      case JobStatus::running: ++running; break;
      case JobStatus::pending: ++pending; break;
      case JobStatus::unplaceable: ++unplaceable; break;
      case JobStatus::not_arrived: ++not_arrived; break;
    }
    // With a window, the statistics are over the jobs submitted in it.
    if (util.windowed() && !(j.submit_s >= util.window_start() && j.submit_s < util.window_end())) continue;
    ++in_window;
    first_submit = std::min(first_submit, j.submit_s);
    switch (r.status) {
      case JobStatus::completed:
        jcts.push_back(r.finish_s - j.submit_s);
        if (j.duration_s > 0) slowdowns.push_back((r.finish_s - j.submit_s) / j.duration_s);
        runs.push_back(r.finish_s - r.start_s);
        run_by_gpus[j.req.num_gpu].first += r.finish_s - r.start_s;
        ++run_by_gpus[j.req.num_gpu].second;
        last_finish = std::max(last_finish, r.finish_s);
        break;
      default: break;
    }
    if (r.start_s >= 0) {
      waits.push_back(r.start_s - j.submit_s);
    } else if (r.status == JobStatus::pending) {
      waits.push_back(std::max(0.0, end_s - j.submit_s));
      ++censored;
    }
  }
  const double window = util.window_length();
  nlohmann::ordered_json m;
  m["gpu_alloc_ratio"] = ratio(util.gpu_milli_seconds(), cluster.total_gpu_milli(), window);
  m["gpu_busy_ratio"] = ratio(util.gpu_busy_milli_seconds(), cluster.total_gpu_milli(), window);
  m["cpu_alloc_ratio"] = ratio(util.cpu_milli_seconds(), cluster.total_cpu_milli(), window);
  m["mem_alloc_ratio"] = ratio(util.mem_mib_seconds(), cluster.total_memory_mib(), window);
  m["gpu_hours_allocated"] = static_cast<double>(util.gpu_milli_seconds() / 1000.0L / 3600.0L);
  m["gpu_hours_busy"] = static_cast<double>(util.gpu_busy_milli_seconds() / 1000.0L / 3600.0L);
  m["idle_while_allocated_gpu_hours"] =
      static_cast<double>((util.gpu_milli_seconds() - util.gpu_busy_milli_seconds()) / 1000.0L / 3600.0L);
  if (util.has_fragmentation()) {
    m["frag_ratio"] = window > 0 ? static_cast<double>(util.frag_ratio_seconds() / window) : 0.0;
    m["frag_gpus"] = window > 0 ? static_cast<double>(util.frag_gpu_seconds() / window) : 0.0;
  }
  if (util.has_stranded())
    m["stranded_gpus"] = window > 0 ? static_cast<double>(util.stranded_gpu_seconds() / window) : 0.0;
  // Allocated and busy GPU time by job kind, as shares of the whole cluster's GPU capacity (so
  // the kinds add up to the totals above).
  nlohmann::ordered_json by_kind;
  for (JobKind k : {JobKind::training, JobKind::inference, JobKind::preprocessing}) {
    std::size_t n = 0;
    long double alloc = 0, busy = 0;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (jobs[i].kind != k) continue;
      ++n;
      alloc += records[i].gpu_alloc_milli_s;
      busy += records[i].gpu_busy_milli_s;
    }
    nlohmann::ordered_json e;
    e["jobs"] = n;
    e["gpu_alloc_ratio"] = ratio(alloc, cluster.total_gpu_milli(), window);
    e["gpu_busy_ratio"] = ratio(busy, cluster.total_gpu_milli(), window);
    e["gpu_hours_allocated"] = static_cast<double>(alloc / 1000.0L / 3600.0L);
    e["gpu_hours_busy"] = static_cast<double>(busy / 1000.0L / 3600.0L);
    e["idle_while_allocated_gpu_hours"] = static_cast<double>((alloc - busy) / 1000.0L / 3600.0L);
    by_kind[std::string(to_string(k))] = e;
  }
  m["by_kind"] = by_kind;
  nlohmann::ordered_json jc;
  jc["total"] = jobs.size();
  jc["completed"] = completed;
  jc["running_at_horizon"] = running;
  jc["pending_at_horizon"] = pending;
  jc["not_arrived_at_horizon"] = not_arrived;
  jc["unplaceable"] = unplaceable;
  m["jobs"] = jc;
  m["wait_s"] = stats_json(compute_stats(std::move(waits)));
  m["wait_s"]["censored_jobs"] = censored;
  const bool jcts_empty = jcts.empty();
  m["jct_s"] = stats_json(compute_stats(std::move(jcts)));
  m["slowdown"] = stats_json(compute_stats(std::move(slowdowns)));
  m["run_s"] = stats_json(compute_stats(std::move(runs)));
  nlohmann::ordered_json by;
  for (const auto& [g, sc] : run_by_gpus) by[std::to_string(g)] = static_cast<double>(sc.first / sc.second);
  m["run_s_mean_by_gpus"] = by;
  m["makespan_s"] = !jcts_empty ? last_finish - first_submit : 0.0;
  m["window_s"] = window;
  if (util.windowed()) {
    nlohmann::ordered_json w;
    w["start_s"] = util.window_start();
    w["end_s"] = util.window_end();
    w["jobs_submitted"] = in_window;
    m["window"] = w;
  }
  return m;
}

} // namespace fleetsim
