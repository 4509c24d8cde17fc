#include "sim/measure/cost.hpp"

#include <algorithm>
#include <functional>
#include <map>


namespace fleetsim::cost {
namespace {

constexpr double kSecondsPerYear = 365.25 * 86400.0;


int kind_index(JobKind k) {
  switch (k) {
    case JobKind::training: return 0;
    case JobKind::inference: return 1;
    case JobKind::preprocessing: return 2;
  }
  return 0;
}

} // namespace

GpuDefault gpu_default(const std::string& model) {
  // Family prefix -> (price, idle W, busy W). Busy = board power / TDP from NVIDIA datasheets;
  // prices are typical street prices; idle is an assumption (~10-15% of TDP, nvidia-smi readings).
  struct Row {
    const char* prefix;
    GpuDefault d;
  };
  static const Row rows[] = {
      {"H200", {35000, 75, 700}}, {"H100", {30000, 70, 700}}, {"A100", {15000, 50, 400}},
      {"A30", {5000, 30, 165}},   {"A10", {3500, 20, 150}},   {"L40", {9000, 35, 300}},
      {"L4", {2500, 15, 72}},     {"V100", {8000, 40, 300}},  {"P100", {5000, 30, 250}},
      {"T4", {2000, 10, 70}},
  };
  for (const auto& r : rows)
    if (model.rfind(r.prefix, 0) == 0) return r.d;
  return {15000, 50, 400};
}

void add_run_usage(Usage& u, const ClusterState& cluster, const std::vector<Job>& jobs,
                   const std::vector<JobRecord>& records, double window_s, double window_start_s) {
  u.window_s = window_s;
  const double window_end = window_start_s + window_s;  // metrics.window: [start, start + window_s)
  auto at = [&](int i) -> Asset& { return u.assets[static_cast<std::size_t>(i)]; };
  for (std::size_t i = 0; i < records.size(); ++i) {
    const JobRecord& r = records[i];
    const auto k = static_cast<std::size_t>(kind_index(jobs[i].kind));
    if (r.status == JobStatus::completed) ++u.kinds.completed[k];
    if (r.start_s < 0 || r.status == JobStatus::unplaceable) continue;
    const double end = r.status == JobStatus::completed ? r.finish_s : window_end;
    std::map<int, long double> milli_by_asset;  // GPU asset -> milli-GPU held
    long double milli_total = 0;
    auto take = [&](const Allocation& a, double until) {
      const long double held = std::max<long double>(
          0, std::min<long double>(until, window_end) - std::max<long double>(r.start_s, window_start_s));
      const Node& node = cluster.node(a.node);
      if (node.cpu_milli > 0) {
        const long double s = held * a.cpu_milli / node.cpu_milli;
        at(u.server_of_node[static_cast<std::size_t>(a.node)]).busy_s += s;
        u.kinds.cpu_alloc_s[k] += s;
      }
      for (const auto& g : a.gpus) milli_by_asset[u.gpu_of_node[static_cast<std::size_t>(a.node)]] += g.milli;
      for (const auto& g : a.pool) milli_by_asset[u.gpu_of_pool[static_cast<std::size_t>(cluster.pool_of(g.gpu))]] += g.milli;
      for (const auto& g : a.gpus) milli_total += g.milli;
      for (const auto& g : a.pool) milli_total += g.milli;
    };
    if (r.parts.empty()) {
      take(r.alloc, end);
    } else {
      for (std::size_t p = 0; p < r.parts.size(); ++p) take(r.parts[p], r.part_end_s[p] >= 0 ? r.part_end_s[p] : end);
    }
    u.kinds.gpu_alloc_s[k] += r.gpu_alloc_milli_s / 1000.0L;
    if (milli_total > 0)  // busy time split over the GPU kinds it held, by milli share
      for (const auto& [g, milli] : milli_by_asset)
        if (g >= 0) at(g).busy_s += r.gpu_busy_milli_s / 1000.0L * milli / milli_total;
  }
}

Result compute(const Tariff& t, const Usage& u) {
  Result r;
  const long double T = u.window_s;
  const long double amort_s = static_cast<long double>(t.amortization_years) * kSecondsPerYear;
  const long double usd_per_joule = static_cast<long double>(t.electricity_usd_per_kwh) * t.pue / 3.6e6L;
  long double joules = 0, capex = 0, idle = 0, gpu_cost = 0, other_cost = 0, busy_gpu_s = 0;
  for (const auto& a : u.assets) {
    const long double unit_s = static_cast<long double>(a.count) * T;  // unit-seconds in the window
    const long double rate = t.cloud ? a.usd_per_hour / 3600.0L : a.price_usd / amort_s;  // USD per unit-second
    const long double j = a.idle_w * unit_s + (static_cast<long double>(a.busy_w) - a.idle_w) * a.busy_s;
    const long double cost = rate * unit_s + (t.cloud ? 0.0L : j * usd_per_joule);
    joules += j;
    capex += rate * unit_s;
    (a.gpu ? gpu_cost : other_cost) += cost;
    if (a.name.rfind("gpu:", 0) == 0) {
      const long double idle_s = unit_s - a.busy_s;
      idle += idle_s * (rate + (t.cloud ? 0.0L : a.idle_w * usd_per_joule));
      busy_gpu_s += a.busy_s;
    }
  }
  r.it_energy_kwh = static_cast<double>(joules / 3.6e6L);
  r.mean_power_w = T > 0 ? static_cast<double>(joules / T) : 0.0;
  r.usd_capex = static_cast<double>(capex);
  r.usd_energy = t.cloud ? 0.0 : static_cast<double>(joules * usd_per_joule);
  r.usd_total = static_cast<double>(gpu_cost + other_cost);
  r.usd_per_month = T > 0 ? static_cast<double>((gpu_cost + other_cost) * t.hours_per_month * 3600.0L / T) : 0.0;
  r.gpu_hours_busy = static_cast<double>(busy_gpu_s / 3600.0L);
  r.usd_per_busy_gpu_hour = busy_gpu_s > 0 ? static_cast<double>((gpu_cost + other_cost) / (busy_gpu_s / 3600.0L)) : 0.0;
  r.usd_idle = static_cast<double>(idle);
  // Attribution: GPU-side cost (GPUs, chassis, switches, ports) by allocated GPU time, server
  // cost by allocated CPU time; what nobody used is spread in the same proportions.
  long double gpu_alloc = 0, cpu_alloc = 0;
  for (std::size_t k = 0; k < 3; ++k) gpu_alloc += u.kinds.gpu_alloc_s[k], cpu_alloc += u.kinds.cpu_alloc_s[k];
  for (std::size_t k = 0; k < 3; ++k) {
    long double c = 0;
    if (gpu_alloc > 0) c += gpu_cost * u.kinds.gpu_alloc_s[k] / gpu_alloc;
    if (cpu_alloc > 0) c += other_cost * u.kinds.cpu_alloc_s[k] / cpu_alloc;
    r.usd_by_kind[k] = static_cast<double>(c);
    r.completed_by_kind[k] = u.kinds.completed[k];
    r.completed += u.kinds.completed[k];
  }
  r.usd_per_completed_job = r.completed > 0 ? r.usd_total / static_cast<double>(r.completed) : 0.0;
  return r;
}

nlohmann::ordered_json to_json(const Result& r) {
  nlohmann::ordered_json m;
  m["energy_kwh"] = r.it_energy_kwh;
  m["mean_power_w"] = r.mean_power_w;
  m["usd_capex"] = r.usd_capex;
  m["usd_energy"] = r.usd_energy;
  m["usd_total"] = r.usd_total;
  m["usd_per_month"] = r.usd_per_month;
  m["usd_per_busy_gpu_hour"] = r.usd_per_busy_gpu_hour;
  m["usd_idle"] = r.usd_idle;
  m["usd_per_completed_job"] = r.usd_per_completed_job;
  nlohmann::ordered_json by;
  const char* names[] = {"training", "inference", "preprocessing"};
  for (std::size_t k = 0; k < 3; ++k) {
    nlohmann::ordered_json e;
    e["completed"] = r.completed_by_kind[k];
    e["usd"] = r.usd_by_kind[k];
    e["usd_per_completed_job"] =
        r.completed_by_kind[k] > 0 ? r.usd_by_kind[k] / static_cast<double>(r.completed_by_kind[k]) : 0.0;
    by[names[k]] = e;
  }
  m["usd_by_kind"] = by;
  return m;
}

} // namespace fleetsim::cost
