#pragma once
// Metrics of a summary.json by dotted path ("gpu_alloc_ratio", "wait_s.p95",
// "fill.gpu_alloc_pct"): the vocabulary compare, check, sweep and the HTML report share. Whatever
// numeric metrics a summary holds are picked up; nothing here lists them all.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetsim {

/// @brief Which way is better for a metric.
enum class Direction { higher, lower, none };

/// @brief Every numeric leaf of `summary["metrics"]` as (dotted path, value), in document order.
/// Arrays (e.g. `fill_curve`), nulls, strings and booleans are skipped.
std::vector<std::pair<std::string, double>> flatten_metrics(const nlohmann::ordered_json& summary);

/// @brief The numeric metric at `path` ("wait_s.p95"), or nullopt when absent or not a number.
std::optional<double> find_metric(const nlohmann::ordered_json& summary, std::string_view path);

/// @brief Better direction guessed from the name: allocation, busy, completed are higher-is-better;
/// fragmentation, waits, JCT, slowdown, makespan, failures, stranded GPUs and costs lower.
Direction metric_direction(std::string_view path);

/// @brief The key metrics of a set of summaries, for tables: a fixed core list (allocation,
/// fragmentation, jobs, wait and JCT, fill results) where present, then every other top-level
/// numeric metric and the scalar fields of any other metric object (mean and p95 of statistics;
/// not breakdowns keyed by numbers) that any summary holds, so metrics added later show up
/// without a change here.
std::vector<std::string> key_metrics(const std::vector<const nlohmann::ordered_json*>& summaries);

/// @brief Expands a comma-separated metric selection: exact paths, `prefix.*` (every leaf under
/// it), `key` (the key metrics) and `all`. Unknown names are kept (the caller reports them).
std::vector<std::string> select_metrics(const std::string& selection,
                                        const std::vector<const nlohmann::ordered_json*>& summaries);

/// @brief Human text for a value: ratios as percentages ("25.65%"), counts as integers, other
/// values with 4 significant digits or thousands kept whole ("12902960", "13.91", "0.1234").
std::string format_metric(std::string_view path, double value);

/// @brief "95.28 ± 0.10": a mean and a half-width with the mean's decimals.
std::string format_metric_pm(std::string_view path, double mean, double half_width);

/// @brief "higher-is-better" | "lower-is-better" | "two-sided".
std::string to_string(Direction d);

}  // namespace fleetsim
