#include "sim/cost.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "sim/error.hpp"
#include "sim/scenario_spec.hpp"

namespace fleetsim::cost {
namespace {

constexpr double kSecondsPerYear = 365.25 * 86400.0;

/// Default server base (everything but its GPUs): assumptions, see the README.
double server_price(std::int64_t cpu_milli, std::int64_t memory_mib) {
  return 3000.0 + 150.0 * double(cpu_milli) / 1000.0 + 5.0 * double(memory_mib) / 1024.0;
}
double server_idle_w(std::int64_t cpu_milli) { return 100.0 + 1.5 * double(cpu_milli) / 1000.0; }
double server_busy_w(std::int64_t cpu_milli) { return 100.0 + 6.0 * double(cpu_milli) / 1000.0; }
constexpr double kChassisPrice = 25000, kChassisPowerW = 400;
constexpr double kSwitchPrice = 20000, kSwitchPowerW = 300;
constexpr double kPortPrice = 1500, kPortPowerW = 25;

double num_or(const nlohmann::json& o, const char* key, double fallback) {
  return o.is_object() && o.contains(key) && o[key].is_number() ? o[key].get<double>() : fallback;
}

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

Usage inventory(const Scenario& sc, const ClusterState& cluster, const GpuModels& models, Tariff& tariff) {
  const nlohmann::json& raw = sc.raw;
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& c = raw.contains("cost") ? raw["cost"] : empty;
  const std::string label = sc.source.empty() ? std::string("scenario") : sc.source.string();
  tariff.cloud = c.value("pricing", std::string("own")) == "cloud";
  tariff.amortization_years = num_or(c, "amortization_years", 4);
  tariff.electricity_usd_per_kwh = num_or(c, "electricity_usd_per_kwh", 0.08);
  tariff.pue = num_or(c, "pue", 1.58);
  tariff.hours_per_month = num_or(c, "hours_per_month", 730);
  auto rent = [&](const nlohmann::json& o, const std::string& ptr) {
    if (!o.contains("usd_per_hour"))
      throw InputError(ptr.empty() ? spec::located(label, "/cost/pricing", "cloud pricing needs node types with "
                                                                        "usd_per_hour, not a node list")
                                   : spec::located(label, ptr + "/usd_per_hour",
                                                   "required key is missing when cost.pricing is \"cloud\""));
    return o["usd_per_hour"].get<double>();
  };

  Usage u;
  const nlohmann::json& cl = raw["cluster"];
  const bool typed = cl.contains("nodes");
  const nlohmann::json& types = typed ? cl["nodes"] : nlohmann::json::array();
  const nlohmann::json& pool_types = cl.contains("pools") ? cl["pools"] : nlohmann::json::array();
  std::map<std::string, int> by_name;
  auto asset = [&](const std::string& name, const std::function<Asset()>& make) {
    auto [it, fresh] = by_name.emplace(name, static_cast<int>(u.assets.size()));
    if (fresh) {
      u.assets.push_back(make());
      u.assets.back().name = name;
    }
    return it->second;
  };
  // A GPU of `model` housed in `home` (a node or pool type); `rent_per_gpu` in the cloud.
  auto gpu_asset = [&](int model, const std::string& home, double rent_per_gpu) {
    return asset("gpu:" + models.name(model) + "@" + home, [&] {
      Asset a;
      a.gpu = true;
      GpuDefault d = gpu_default(models.name(model));
      a.price_usd = d.price_usd, a.idle_w = d.idle_w, a.busy_w = d.busy_w;
      if (c.contains("gpus"))
        for (const auto& g : c["gpus"])
          if (g["model"].get<std::string>() == models.name(model)) {
            a.price_usd = num_or(g, "price_usd", a.price_usd);
            a.idle_w = num_or(g, "idle_w", a.idle_w);
            a.busy_w = num_or(g, "busy_w", a.busy_w);
          }
      a.usd_per_hour = rent_per_gpu;  // the cloud: the instance's rent, shared by its GPUs
      return a;
    });
  };

  std::int64_t ports = 0;
  for (int n = 0; n < cluster.num_nodes(); ++n) {
    const Node& node = cluster.node(n);
    ports += node.fabric_ports;
    const auto t = static_cast<std::size_t>(node.type);
    const bool known = typed && t < types.size();
    const std::string key = known ? types[t]["name"].get<std::string>()
                                  : std::to_string(node.cpu_milli / 1000) + "cpu-" +
                                        std::to_string(node.memory_mib / 1024) + "gib-" +
                                        std::to_string(node.gpu_count) + "gpu";
    double rent_per_gpu = 0;
    const int s = asset("server:" + key, [&] {
      Asset a;
      a.price_usd = server_price(node.cpu_milli, node.memory_mib);
      a.idle_w = server_idle_w(node.cpu_milli);
      a.busy_w = server_busy_w(node.cpu_milli);
      if (known) {
        a.price_usd = num_or(types[t], "price_usd", a.price_usd);
        a.idle_w = num_or(types[t], "idle_w", a.idle_w);
        a.busy_w = num_or(types[t], "busy_w", a.busy_w);
      }
      if (tariff.cloud) a.usd_per_hour = known ? rent(types[t], "/cluster/nodes/" + std::to_string(t)) : rent(empty, "");
      return a;
    });
    if (tariff.cloud && node.gpu_count > 0) {  // the rent moves to the GPUs (priced idle or busy)
      rent_per_gpu = rent(types[t], "/cluster/nodes/" + std::to_string(t)) / node.gpu_count;
      u.assets[static_cast<std::size_t>(s)].usd_per_hour = 0;
    }
    u.assets[static_cast<std::size_t>(s)].count += 1;
    u.server_of_node.push_back(s);
    int g = -1;
    if (node.gpu_count > 0) {
      g = gpu_asset(node.gpu_model, key, rent_per_gpu);
      u.assets[static_cast<std::size_t>(g)].count += node.gpu_count;
    }
    u.gpu_of_node.push_back(g);
  }

  for (int p = 0; p < cluster.num_pools(); ++p) {
    const Pool& pool = cluster.pool(p);
    const auto& t = pool_types[static_cast<std::size_t>(pool.type)];
    const std::string ptr = "/cluster/pools/" + std::to_string(pool.type);
    const std::string key = t["name"].get<std::string>();
    const int ch = asset("chassis:" + key, [&] {
      Asset a;
      a.gpu = true;
      a.price_usd = num_or(t, "price_usd", kChassisPrice);
      a.idle_w = a.busy_w = num_or(t, "power_w", kChassisPowerW);
      return a;
    });
    u.assets[static_cast<std::size_t>(ch)].count += 1;
    const int g = gpu_asset(pool.gpu_model, key, tariff.cloud ? rent(t, ptr) / pool.gpu_count : 0.0);
    u.assets[static_cast<std::size_t>(g)].count += pool.gpu_count;
    u.gpu_of_pool.push_back(g);
  }
  if (cluster.num_switches() > 0) {
    const nlohmann::json& w = c.contains("switch") ? c["switch"] : empty;
    Asset a;
    a.name = "switch";
    a.gpu = true;
    a.count = cluster.num_switches();
    a.price_usd = num_or(w, "price_usd", kSwitchPrice);
    a.idle_w = a.busy_w = num_or(w, "power_w", kSwitchPowerW);
    a.usd_per_hour = num_or(w, "usd_per_hour", 0);
    u.assets.push_back(a);
  }
  if (ports > 0) {
    const nlohmann::json& f = c.contains("fabric_port") ? c["fabric_port"] : empty;
    Asset a;
    a.name = "fabric-port";
    a.gpu = true;
    a.count = static_cast<double>(ports);
    a.price_usd = num_or(f, "price_usd", kPortPrice);
    a.idle_w = a.busy_w = num_or(f, "power_w", kPortPowerW);
    a.usd_per_hour = num_or(f, "usd_per_hour", 0);
    u.assets.push_back(a);
  }
  return u;
}

void add_run_usage(Usage& u, const ClusterState& cluster, const std::vector<Job>& jobs,
                   const std::vector<JobRecord>& records, double window_s) {
  u.window_s = window_s;
  auto at = [&](int i) -> Asset& { return u.assets[static_cast<std::size_t>(i)]; };
  for (std::size_t i = 0; i < records.size(); ++i) {
    const JobRecord& r = records[i];
    const auto k = static_cast<std::size_t>(kind_index(jobs[i].kind));
    if (r.status == JobStatus::completed) ++u.kinds.completed[k];
    if (r.start_s < 0 || r.status == JobStatus::unplaceable) continue;
    const double end = r.status == JobStatus::completed ? r.finish_s : window_s;
    std::map<int, long double> milli_by_asset;  // GPU asset -> milli-GPU held
    long double milli_total = 0;
    auto take = [&](const Allocation& a, double until) {
      const long double held = std::max<long double>(0, std::min<long double>(until, window_s) - r.start_s);
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
