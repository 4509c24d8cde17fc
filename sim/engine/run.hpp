#pragma once
// One scenario run end to end: inputs, simulation, summary, output files.
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "sim/engine/simulation.hpp"
#include "sim/io/scenario.hpp"

namespace fleetsim {

struct RunOptions {
  EngineOptions engine;
  std::optional<std::filesystem::path> output_dir;  ///< overrides scenario.outputs.dir
  bool timing = false;  ///< put wall-clock seconds in summary.json (breaks byte-identical outputs)
};

struct RunReport {
  nlohmann::ordered_json summary;
  std::filesystem::path written_to;  ///< empty when no output folder
  double wall_s = 0;
};

/// @brief Loads the scenario's inputs, simulates, writes summary.json, jobs.csv and
/// timeseries.csv (atomically) when an output folder is set, and returns the summary.
RunReport run_scenario(const Scenario& scenario, const RunOptions& options);

} // namespace fleetsim
