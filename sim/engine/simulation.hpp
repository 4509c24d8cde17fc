#pragma once
// The engine: the only module that talks to SimGrid. It turns the cluster into a SimGrid
// platform, owns the process's one simgrid::s4u::Engine, and drives the run from maestro with
// kernel timers: SimGrid's clock, SimGrid's event delivery, no actor per job.
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/model/cluster.hpp"
#include "sim/measure/fragmentation.hpp"
#include "sim/model/job.hpp"
#include "sim/measure/metrics.hpp"
#include "sim/sched/scheduler.hpp"

namespace fleetsim {

class MigCatalog;  // sim/io/work_catalog.hpp

struct Scenario;

struct EngineOptions {
  bool verbose = false;        ///< SimGrid's own logging on
  bool progress = false;       ///< progress bar on stderr
  bool keep_series = true;     ///< keep every sample for timeseries.csv
  const MigCatalog* mig = nullptr;  ///< MIG-enabled GPU models (must outlive the run)
};

struct PlatformInfo {
  std::size_t hosts = 0, links = 0;
  double build_s = 0;  ///< wall seconds to build and seal the platform
};

struct RunResult {
  std::vector<JobRecord> records;
  nlohmann::ordered_json metrics;
  std::vector<Sample> series;
  std::uint64_t events = 0;          ///< instants processed (timer firings)
  std::uint64_t flows = 0;           ///< SimGrid transfers started (communicating jobs)
  std::uint64_t placement_calls = 0;
  PlatformInfo platform;
  double end_s = 0;
};

/// @brief Runs `jobs` on `cluster` with the scenario's policies. One call per process
/// (SimGrid allows one engine per process). Throws InputError for bad policy names/params.
/// `frag` (optional) is the fragmentation target: tracked over time and given to
/// fragmentation-aware placement policies.
RunResult run_simulation(const Scenario& scenario, ClusterState& cluster, const std::vector<Job>& jobs,
                         const EngineOptions& options, std::shared_ptr<const FragTarget> frag = nullptr);

} // namespace fleetsim
