#pragma once
// Baselines: expected metric values of a scenario with tolerances and the better direction,
// so CI fails a change that makes a policy metric worse (fleetsim check). File format:
//
//   {"scenario": "scenarios/quickstart.json",
//    "metrics": {"gpu_alloc_ratio": {"value": 0.2565, "direction": "higher-is-better",
//                                    "tolerance": {"abs": 0.005}},
//                "wait_s.p95": {"value": 120, "direction": "lower-is-better", "tolerance": {"rel": 0.02}}}}
//
// A metric regresses when it moves the worse way by more than max(abs, rel x |value|);
// "two-sided" metrics fail on any change beyond it. An absent tolerance means exact.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/study/metric_paths.hpp"

namespace fleetsim::baseline {

struct Entry {
  std::string metric;  ///< dotted path in summary.json's metrics
  double value = 0;
  Direction direction = Direction::none;
  std::optional<double> abs, rel;
  /// @brief Largest change that is not a regression, around `value`.
  double allowed() const;
};

struct Baseline {
  std::string scenario;  ///< what produced it (informational)
  std::string description;
  std::vector<Entry> entries;
};

/// @brief Parses and checks a baseline file; errors are located ("b.json: /metrics/x/direction: ...").
Baseline parse(const nlohmann::ordered_json& doc, const std::string& label);
/// @brief Reads a baseline file (InputError when missing or malformed).
Baseline read(const std::filesystem::path& file);
nlohmann::ordered_json to_json(const Baseline& b);
/// @brief The file text: to_json with one line per metric, so diffs of baselines read well.
std::string to_text(const Baseline& b);

enum class Verdict { ok, improved, regressed };

struct Row {
  Entry entry;
  double current = 0;
  Verdict verdict = Verdict::ok;
};

/// @brief Compares a summary with the baseline. A baseline metric the summary lacks is an
/// InputError located in the baseline file (`label`), naming `summary_label`.
std::vector<Row> check(const Baseline& b, const nlohmann::ordered_json& summary, const std::string& label,
                       const std::string& summary_label);

/// @brief The readable diff: one line per metric (metric, baseline, current, change, allowed,
/// better direction, verdict), regressions first marked "REGRESSED".
std::string render(const std::vector<Row>& rows);

/// @brief Default tolerance of a new entry: ratios 0.005 absolute, percentages 0.5 absolute,
/// everything else 2% relative (and at least 1 for durations in seconds).
void default_tolerance(Entry& e);

/// @brief `old` with every value taken from `summary` (directions and tolerances kept); without
/// an old baseline, the key metrics of `summary` with default directions and tolerances.
Baseline updated(const std::optional<Baseline>& old, const nlohmann::ordered_json& summary, const std::string& label,
                 const std::string& summary_label, const std::string& scenario);

}  // namespace fleetsim::baseline
