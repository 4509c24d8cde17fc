#pragma once
// Output files and the human summary. Every file is written atomically (a temporary file in
// the same folder, then rename), so a failed run never leaves a partial output.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"
#include "sim/measure/metrics.hpp"
#include "sim/model/job_record.hpp"

namespace fleetsim {

/// @brief Shortest text that reads back as the same double ("0.1", "1e+21", "3").
std::string format_double(double v);

/// @brief Writes `content` to `file` atomically; throws InputError naming the file on failure.
void write_file_atomic(const std::filesystem::path& file, const std::string& content);

std::string jobs_csv(const std::vector<Job>& jobs, const std::vector<JobRecord>& records, const ClusterState& cluster);
/// @brief `fragmentation` adds the frag_gpus and frag_ratio columns.
std::string timeseries_csv(const std::vector<Sample>& series, bool fragmentation);
/// @brief Fixed-point text with `decimals` digits, never "-0.000".
std::string format_fixed(double v, int decimals);

/// @brief The short table printed on stdout after a run.
void print_summary_table(std::ostream& os, const nlohmann::ordered_json& summary);

} // namespace fleetsim
