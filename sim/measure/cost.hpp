#pragma once
// Cost and energy of a run: hardware owned (purchase price amortized over the window) or rented
// (cloud price per instance-hour), and energy as the exact integral of the power states the run
// went through (GPU idle vs busy, servers idle vs CPU-allocated, fabric always on).
// Plain C++, no SimGrid: the inputs are integrals the metrics already computed.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/model/cluster.hpp"
#include "sim/model/job_record.hpp"

namespace fleetsim::cost {

/// @brief One kind of hardware in the cluster and how it was used. Power is linear between
/// idle and busy: energy = count·idle_w·T + (busy_w − idle_w)·busy_s.
struct Asset {
  std::string name;            ///< "gpu:A100@dgx" (model@home type), "server:cpu64", "chassis:a100-chassis", "switch", "fabric-port"
  bool gpu = false;            ///< counts in usd_idle and is attributed to jobs by GPU time
  double count = 0;            ///< units in the cluster
  double price_usd = 0;        ///< purchase price per unit (owned)
  double usd_per_hour = 0;     ///< rent per unit-hour (cloud)
  double idle_w = 0, busy_w = 0;
  long double busy_s = 0;      ///< unit-seconds at busy power (GPUs: busy GPU-seconds; servers:
                               ///< ∫ allocated CPU / node CPU dt summed over the servers)
};

/// @brief Prices that do not belong to one asset.
struct Tariff {
  bool cloud = false;                  ///< rent (usd_per_hour) instead of owning (price_usd)
  double amortization_years = 4;
  double electricity_usd_per_kwh = 0.08;
  double pue = 1.58;
  double hours_per_month = 730;
};

/// @brief Allocated time of the jobs of each kind (training, inference, preprocessing order).
struct KindUsage {
  std::array<long double, 3> gpu_alloc_s{};  ///< GPU-seconds allocated
  std::array<long double, 3> cpu_alloc_s{};  ///< server-seconds (allocated CPU / node CPU)
  std::array<std::size_t, 3> completed{};
};

struct Usage {
  double window_s = 0;
  std::vector<Asset> assets;
  KindUsage kinds;
  std::vector<int> server_of_node;  ///< asset of each node's server (inventory())
  std::vector<int> gpu_of_node;     ///< asset of each node's local GPUs (-1: none)
  std::vector<int> gpu_of_pool;     ///< asset of each chassis' GPUs
};

struct Result {
  double it_energy_kwh = 0, mean_power_w = 0;
  double usd_capex = 0;    ///< amortized purchase (owned) or rent (cloud) over the window
  double usd_energy = 0;   ///< IT energy × PUE × electricity price (0 in the cloud: in the rent)
  double usd_total = 0;
  double usd_per_month = 0;
  double usd_per_busy_gpu_hour = 0;  ///< 0 when no GPU was busy
  double usd_idle = 0;     ///< GPU cost (capex or rent + idle power) of GPU time not busy
  double gpu_hours_busy = 0;
  std::size_t completed = 0;
  double usd_per_completed_job = 0;
  std::array<double, 3> usd_by_kind{};  ///< total cost attributed to each kind
  std::array<std::size_t, 3> completed_by_kind{};
};

/// @brief The cost of a run from its usage (hand-checkable arithmetic; see the README).
Result compute(const Tariff& tariff, const Usage& usage);


/// @brief Fills the busy integrals and per-kind usage of `usage` from the run's job records.
void add_run_usage(Usage& usage, const ClusterState& cluster, const std::vector<Job>& jobs,
                   const std::vector<JobRecord>& records, double window_s, double window_start_s = 0);

/// @brief The metrics summary.json lists: energy_kwh, mean_power_w, usd_capex, usd_energy,
/// usd_total, usd_per_month, usd_per_busy_gpu_hour, usd_idle, usd_per_completed_job and
/// usd_per_completed_job_by_kind.
nlohmann::ordered_json to_json(const Result& r);

/// @brief Default price and power of a GPU model (by family prefix; other models as A100).
struct GpuDefault {
  double price_usd, idle_w, busy_w;
};
GpuDefault gpu_default(const std::string& model);

/// @brief Default server base (everything but its GPUs): assumptions, see docs/cost-and-planning.md.
inline double server_price(std::int64_t cpu_milli, std::int64_t memory_mib) {
  return 3000.0 + 150.0 * double(cpu_milli) / 1000.0 + 5.0 * double(memory_mib) / 1024.0;
}
inline double server_idle_w(std::int64_t cpu_milli) { return 100.0 + 1.5 * double(cpu_milli) / 1000.0; }
inline double server_busy_w(std::int64_t cpu_milli) { return 100.0 + 6.0 * double(cpu_milli) / 1000.0; }
/// Composable hardware defaults (assumptions, see docs/cost-and-planning.md).
inline constexpr double kChassisPrice = 25000, kChassisPowerW = 400;
inline constexpr double kSwitchPrice = 20000, kSwitchPowerW = 300;
inline constexpr double kPortPrice = 1500, kPortPowerW = 25;

} // namespace fleetsim::cost
