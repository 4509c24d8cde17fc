#pragma once
// What compare and check work on: finished runs, read from output folders or produced by
// running scenario files in child processes; and the tables they print.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetsim::cli {

struct LoadedRun {
  std::string arg;            ///< as given on the command line
  std::string label;          ///< column name: the folder's name, or the scenario's name
  std::filesystem::path dir;  ///< output folder
  bool ran = false;           ///< produced here from a scenario file
  nlohmann::ordered_json summary;
  std::string timeseries_csv;  ///< "" when the run has none
};

struct ResolveOptions {
  std::vector<std::string> sets;   ///< --set overrides for scenario files
  std::filesystem::path work_dir;  ///< scenario runs write into work_dir/<i>-<name>
  unsigned jobs = 1;
  bool progress = false;
  bool read_timeseries = false;
};

/// @brief Resolves RUN_OR_SCENARIO arguments. A folder (or a summary.json in it) is read; any
/// other file is a scenario: all are validated first (InputError, nothing runs), then run in
/// parallel child processes (`fleetsim run -o`). A failed run throws InputError with its log tail.
std::vector<LoadedRun> resolve_runs(const std::vector<std::string>& args, const ResolveOptions& options);

/// @brief Prints rows as aligned columns (first column left, others right-aligned).
void print_aligned(std::ostream& os, const std::vector<std::vector<std::string>>& rows, int indent = 0);

/// @brief Reads a whole file (InputError "<file>: cannot open file").
std::string read_file(const std::filesystem::path& file);

/// @brief Checks the parts of a summary.json that compare, check and the reports read (types of
/// scenario, mode, seed, policy, cluster counts, the metrics object, the fill curve); throws
/// InputError "<label>: <pointer>: expected ..., got ...".
void check_summary(const nlohmann::ordered_json& summary, const std::string& label);

/// @brief A fresh folder under the system temporary folder, removed (with its contents) when
/// the object dies unless keep() was called.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace fleetsim::cli
