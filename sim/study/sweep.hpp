#pragma once
// Sweeps: a grid of scenario overrides (any --set path, the seed included) over one base
// scenario. This module reads and checks sweep files, expands them into a plan (one point per
// run, each with its own output folder and a hash of everything that determines its result),
// and aggregates finished runs over the replicate path (the seed): mean, standard deviation and
// the 95% Student-t confidence interval per grid point. Running the points is the CLI's job
// (one process per run: SimGrid allows one engine per process).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/io/scenario.hpp"

namespace fleetsim::sweep {

/// @brief One grid dimension: a dotted scenario path and its values.
struct Axis {
  std::string path;
  std::vector<nlohmann::ordered_json> values;
  std::vector<std::string> labels;  ///< folder-safe text of each value, distinct
  std::string name;                 ///< short name in folders and tables (last path segment)
};

/// @brief One run of the grid.
struct Point {
  std::size_t index = 0;
  std::vector<std::size_t> at;  ///< value index per axis
  std::string dir;              ///< relative to the sweep's output folder: "runs/placement=fgd/seed=42"
  std::string hash;             ///< of the resolved scenario and its input files
};

struct Plan {
  std::string name, description;
  std::filesystem::path sweep_file;                                 ///< absolute ("" when built in memory)
  std::filesystem::path scenario;                                   ///< base scenario, absolute
  std::vector<std::pair<std::string, nlohmann::ordered_json>> set;  ///< fixed overrides
  std::vector<Axis> axes;
  std::string replicate;        ///< axis path aggregated over ("" = none: every point is its own group)
  std::string metrics = "key";  ///< metric selection for tables and charts (see select_metrics)
  std::filesystem::path output;
  std::vector<Point> points;

  /// @brief `--set` strings of a point: the fixed ones, then one per axis ("path=<json>").
  std::vector<std::string> overrides(const Point& p) const;
  /// @brief {axis path: value} of a point.
  nlohmann::ordered_json values(const Point& p) const;
  /// @brief "policy.placement=fgd, seed=42".
  std::string describe(const Point& p) const;
};

/// @brief Reads and checks a sweep file and every grid point against the scenario validator
/// (nothing runs). Errors are located in the sweep file ("s.json: /grid/seed: ...") and thrown as
/// InputError. `output` overrides the file's output folder.
Plan load_sweep(const std::filesystem::path& file, const std::optional<std::filesystem::path>& output = {});

/// @brief Hash (16 hex digits) of what determines a run's results: the fleetsim version, the
/// scenario document after overrides (output folder aside) and the contents of its input files.
std::string scenario_hash(const Scenario& scenario);

/// @brief plan.json, as the CLI writes it into the output folder.
nlohmann::ordered_json plan_to_json(const Plan& plan);
/// @brief Reads a plan written by plan_to_json; `label` prefixes errors.
Plan plan_from_json(const nlohmann::ordered_json& doc, const std::string& label);
/// @brief Reads `<dir>/plan.json` (InputError when missing or malformed).
Plan read_plan(const std::filesystem::path& dir);

/// @brief The marker a finished run leaves beside its summary.json.
inline constexpr const char* kPointFile = "sweep-point.json";
nlohmann::ordered_json point_marker(const Plan& plan, const Point& p);
/// @brief True when `<output>/<p.dir>` holds a summary.json and a marker with `p.hash`.
bool point_done(const Plan& plan, const Point& p);

/// @brief One finished run for aggregation.
struct RunSummary {
  const Point* point = nullptr;
  nlohmann::ordered_json summary;
};

/// @brief Per grid point (points that differ only in the replicate value), every numeric metric
/// aggregated: results.json's document.
nlohmann::ordered_json aggregate(const Plan& plan, const std::vector<RunSummary>& runs);
/// @brief results.csv: one row per grid point and metric (tidy): axis columns, metric, n, mean,
/// std, ci95_low, ci95_high, min, max.
std::string results_csv(const Plan& plan, const nlohmann::ordered_json& results);
/// @brief runs.csv: one row per run: axis columns, dir, then every metric.
std::string runs_csv(const Plan& plan, const std::vector<RunSummary>& runs);

/// @brief The Slurm job-array script that runs `points` (one array task each) with `exe`.
/// `sbatch_options` become extra `#SBATCH` lines.
std::string slurm_script(const Plan& plan, const std::vector<std::size_t>& points, const std::filesystem::path& exe,
                         const std::vector<std::string>& sbatch_options);

/// @brief "0-3,7,9-12": Slurm's --array syntax for sorted distinct indices.
std::string array_ranges(const std::vector<std::size_t>& indices);

/// @brief A CSV field, quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& s);

}  // namespace fleetsim::sweep
