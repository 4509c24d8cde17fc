#pragma once
// fleetsim plan: the cheapest cluster of each listed topology that meets stated targets. The
// plan section of a scenario names the targets ("wait_s.p95 <= 600") and, per topology, the
// counts that may vary; the search minimises them one after another by parallel k-section
// (bisection with one probe per round), each probe a full simulation run that the caller
// provides (the CLI runs `fleetsim run` processes). No SimGrid here.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/io/scenario.hpp"

namespace fleetsim::plan {

/// @brief "METRIC OP VALUE": VALUE a number or another metric path.
struct Target {
  std::string text, metric, op, rhs_metric;
  double rhs = 0;
};

struct Variable {
  std::string path;
  std::int64_t min = 0, max = 0, step = 1;
  std::int64_t size() const { return (max - min) / step + 1; }
  std::int64_t value(std::int64_t index) const { return min + index * step; }
};

struct Topology {
  std::string name;
  std::vector<std::string> overrides;  ///< --set strings: its cluster, then its set entries
  std::vector<Variable> vary;
};

struct PlanSpec {
  std::vector<Target> targets;
  std::vector<Topology> topologies;
  int max_probes = 12;
};

/// @brief Parses a target; throws InputError(located(label, pointer, ...)) for bad syntax or a
/// metric summary.json never has.
Target parse_target(const std::string& text, const std::string& label, const std::string& pointer);

/// @brief True when summary.json's metrics can hold `path` (fixed keys exactly; the open maps
/// by_kind, run_s_mean_by_gpus, usd_by_kind by their keys' shape).
bool known_metric(const std::string& path);

/// @brief The plan section of a loaded scenario, checked: targets, variables (min <= max, and
/// the scenario valid at both ends for every topology). Throws InputError, located.
PlanSpec plan_from_scenario(const Scenario& scenario, const std::vector<std::string>& cli_sets);

/// @brief Target values of one summary: (value or nullopt when absent, met).
struct TargetResult {
  std::optional<double> value;
  bool met = false;
};
std::vector<TargetResult> evaluate(const std::vector<Target>& targets, const nlohmann::ordered_json& summary);

/// @brief One probe: a topology and a value per variable.
struct Probe {
  std::size_t topology = 0;
  std::vector<std::int64_t> values;
  std::vector<std::string> overrides;  ///< topology overrides, then path=value per variable
  std::string label;                   ///< "static/nodes.0.count=32"
};

struct ProbeOutcome {
  Probe probe;
  nlohmann::ordered_json summary;
  std::vector<TargetResult> targets;
  bool met = false;
  int round = 0;
};

struct TopologyResult {
  std::string name;
  std::optional<std::size_t> best;  ///< index into PlanResult::probes of the cheapest probe that met
  bool converged = false;           ///< the search finished within max_probes
  bool feasible = false;            ///< some probe met every target
  int probes = 0;
};

struct PlanResult {
  std::vector<ProbeOutcome> probes;  ///< in the order they ran
  std::vector<TopologyResult> topologies;
  int rounds = 0;
};

/// @brief Runs the search. `run_probes` runs a batch (in parallel) and returns each probe's
/// summary.json in order; `slots` probes run at once.
PlanResult search(const PlanSpec& spec, unsigned slots,
                  const std::function<std::vector<nlohmann::ordered_json>(const std::vector<Probe>&)>& run_probes);

/// @brief plan.json: targets, per topology the result (values, servers, GPUs, usd_per_month,
/// utilization, target values) and every probe.
nlohmann::ordered_json to_json(const PlanSpec& spec, const PlanResult& result, const std::string& scenario_name);

/// @brief The table `fleetsim plan` prints.
std::string table(const PlanSpec& spec, const PlanResult& result);

} // namespace fleetsim::plan
