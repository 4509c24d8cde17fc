// Reads a scenario's `cost` section into assets and a tariff (see sim/measure/cost.hpp for
// the defaults and their sources).
#include "sim/io/cost_model.hpp"

#include "sim/common/error.hpp"
#include "sim/io/scenario_spec.hpp"

namespace fleetsim::cost {
namespace {

double num_or(const nlohmann::json& o, const char* key, double fallback) {
  return o.is_object() && o.contains(key) && o[key].is_number() ? o[key].get<double>() : fallback;
}

} // namespace

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

} // namespace fleetsim::cost
