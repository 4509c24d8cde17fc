#pragma once
// The one way input files are read (issue 17). Every file a user names (scenario, trace, node
// list, sweep, baseline, summary) goes through check_input_file() before it is opened, and every
// JSON text through parse_json(), so the guarantees hold everywhere:
// - the path is checked first: too long, missing, a directory, a device, a FIFO, or larger than
//   the kind's limit is a located error, nothing is read;
// - text is UTF-8 without NUL bytes, checked once at this edge (error: file:line:column);
// - JSON nesting is at most kMaxJsonDepth deep and every number is finite (1e999 is an error at
//   its line:column), before nlohmann's parser sees the text;
// - malformed JSON and trailing garbage are errors at file:line:column.
// Limits are documented in docs/reliability.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fleetsim::input {

/// Deepest nesting of arrays and objects in any JSON input (scenarios need 6).
constexpr std::size_t kMaxJsonDepth = 64;
/// Largest JSON document (scenario, sweep, baseline, summary, plan), bytes.
constexpr std::uintmax_t kMaxJsonBytes = std::uintmax_t{64} << 20;
/// Largest trace or node list (CSV, JSON Lines), bytes; read as a stream, one line at a time.
constexpr std::uintmax_t kMaxTraceBytes = std::uintmax_t{4} << 30;
/// Longest line of a trace or node list, bytes.
constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
/// Longest path accepted (PATH_MAX - 1) and longest path component (NAME_MAX).
constexpr std::size_t kMaxPathBytes = 4095, kMaxNameBytes = 255;

// ---- Sizes: checked where read, before anything is allocated for them ----
/// Servers in a cluster (node types' counts, or node-list rows).
constexpr std::int64_t kMaxNodes = 100'000;
/// GPUs in a cluster (servers' and pools' together).
constexpr std::int64_t kMaxGpus = 1'000'000;
/// Jobs in a workload (trace rows or inline jobs).
constexpr std::int64_t kMaxJobs = 10'000'000;
/// Any time or duration in seconds (about 317 years).
constexpr double kMaxSeconds = 1e10;
/// CPU milli-cores and memory MiB of one server, job or stage (2^40).
constexpr std::int64_t kMaxMilli = std::int64_t{1} << 40;
/// Batches of one pipeline job, and training steps of one job.
constexpr std::int64_t kMaxBatches = 1'000'000, kMaxSteps = 1'000'000'000;
/// Runs of one sweep (grid points).
constexpr std::int64_t kMaxSweepPoints = 10'000;
/// Values a plan variable may take (min, max).
constexpr std::int64_t kMaxPlanValue = 1'000'000;

/// @brief Why `file` cannot be read as an input file of at most `max_bytes`, or nullopt when it
/// can: "file name too long (5000 bytes; at most 4095)", "file not found", "is a directory,
/// expected a file", "is a character device, expected a regular file", "file too large (...)".
std::optional<std::string> why_unreadable(const std::filesystem::path& file, std::uintmax_t max_bytes);

/// @brief A path as it appears in messages: as is, or its first 60 bytes and "..." when longer
/// than 120 bytes (so a hostile path cannot make a message huge).
std::string shown(const std::filesystem::path& file);

/// @brief Throws InputError "<shown(file)>: <why>" when why_unreadable() says so.
void check_input_file(const std::filesystem::path& file, std::uintmax_t max_bytes);

/// @brief Reads a whole file after check_input_file(file, max_bytes), then checks it is UTF-8
/// text without NUL bytes. Throws InputError located at file:line:column.
std::string read_text_file(const std::filesystem::path& file, std::uintmax_t max_bytes = kMaxJsonBytes);

/// @brief The first byte of `text` that is not valid UTF-8 or is NUL: (offset, reason), or
/// nullopt. Overlong forms, surrogates and code points above U+10FFFF are invalid.
std::optional<std::pair<std::size_t, std::string>> find_bad_text(std::string_view text);

/// @brief "line:column" (1-based; column in bytes) of byte `offset` of `text`, lines counted
/// from `first_line`.
std::string line_col(std::string_view text, std::size_t offset, std::int64_t first_line = 1);

/// @brief Parses one JSON document. Errors name "<label>:<line>:<column>: ..." (lines counted
/// from `first_line`, e.g. a JSON Lines row's number): bad UTF-8 or NUL, nesting deeper than
/// kMaxJsonDepth, a number outside the double range, malformed JSON, anything after the value.
nlohmann::ordered_json parse_json(std::string_view text, const std::string& label, std::int64_t first_line = 1);
/// @brief As parse_json, into an unordered document.
nlohmann::json parse_json_unordered(std::string_view text, const std::string& label, std::int64_t first_line = 1);

/// @brief read_text_file + parse_json with the file as label.
nlohmann::ordered_json read_json_file(const std::filesystem::path& file);

} // namespace fleetsim::input
