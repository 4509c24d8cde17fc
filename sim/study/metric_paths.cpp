#include "sim/study/metric_paths.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

namespace fleetsim {
namespace {

using ojson = nlohmann::ordered_json;

void flatten(const ojson& v, const std::string& prefix, std::vector<std::pair<std::string, double>>& out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.items()) flatten(child, prefix.empty() ? k : prefix + "." + k, out);
  } else if (v.is_number()) {
    out.emplace_back(prefix, v.get<double>());
  }
}

/// The core rows of a table, in display order (kept when a summary has them).
const std::vector<std::string>& core_metrics() {
  static const std::vector<std::string> v = {
      "gpu_alloc_ratio",  "gpu_busy_ratio", "cpu_alloc_ratio",    "mem_alloc_ratio",         "frag_ratio",
      "frag_gpus",        "stranded_gpus",  "fill.gpu_alloc_pct", "fill.frag_ratio_pct",     "fill.frag_gpus",
      "fill.failed_pods", "jobs.completed", "jobs.unplaceable",   "jobs.pending_at_horizon", "wait_s.mean",
      "wait_s.p95",       "jct_s.mean",     "jct_s.p95",          "slowdown.mean",           "makespan_s"};
  return v;
}

/// Metric objects the core list already covers (their other fields are not key metrics), and
/// top-level numbers that only restate others.
bool covered(const std::string& top) {
  static const std::set<std::string> s = {"jobs", "wait_s",     "jct_s",    "slowdown",
                                          "fill", "fill_curve", "window_s", "gpu_hours_allocated"};
  return s.contains(top);
}

bool contains_any(std::string_view s, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return s.find(w) != s.npos; });
}

}  // namespace

std::vector<std::pair<std::string, double>> flatten_metrics(const ojson& summary) {
  std::vector<std::pair<std::string, double>> out;
  if (summary.contains("metrics")) flatten(summary["metrics"], "", out);
  return out;
}

std::optional<double> find_metric(const ojson& summary, std::string_view path) {
  if (!summary.contains("metrics")) return std::nullopt;
  const ojson* at = &summary["metrics"];
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string seg(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!at->is_object() || !at->contains(seg)) return std::nullopt;
    at = &(*at)[seg];
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (!at->is_number()) return std::nullopt;
  return at->get<double>();
}

Direction metric_direction(std::string_view path) {
  if (path.ends_with(".count")) return Direction::none;  // sample size of a statistic
  if (contains_any(path, {"frag", "wait", "jct", "slowdown", "makespan", "fail", "unplaceable", "pending", "stranded",
                          "usd", "cost", "energy", "kwh", "joule", "idle", "queue", "not_arrived"}))
    return Direction::lower;
  if (contains_any(path, {"alloc", "busy", "completed", "util", "throughput", "goodput"})) return Direction::higher;
  return Direction::none;
}

std::vector<std::string> key_metrics(const std::vector<const ojson*>& summaries) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& p) {
    if (seen.insert(p).second) out.push_back(p);
  };
  for (const auto& p : core_metrics())
    for (const ojson* s : summaries)
      if (find_metric(*s, p)) {
        add(p);
        break;
      }
  for (const ojson* s : summaries) {
    if (!s->contains("metrics") || !(*s)["metrics"].is_object()) continue;
    for (const auto& [k, v] : (*s)["metrics"].items()) {
      if (covered(k)) continue;
      if (v.is_number()) {
        add(k);
      } else if (v.is_object() && v.contains("mean") && v.contains("p95")) {  // a statistic
        add(k + ".mean");
        add(k + ".p95");
      } else if (v.is_object()) {
        // A breakdown keyed by numbers (e.g. by GPU count) is detail, not a key metric.
        bool numbered = !v.empty();
        for (const auto& [k2, v2] : v.items())
          numbered = numbered && k2.find_first_not_of("0123456789") == std::string::npos;
        if (!numbered)
          for (const auto& [k2, v2] : v.items())
            if (v2.is_number()) add(k + "." + k2);
      }
    }
  }
  return out;
}

std::vector<std::string> select_metrics(const std::string& selection, const std::vector<const ojson*>& summaries) {
  std::vector<std::string> all;
  {
    std::set<std::string> seen;
    for (const ojson* s : summaries)
      for (const auto& [p, v] : flatten_metrics(*s))
        if (seen.insert(p).second) all.push_back(p);
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& p) {
    if (seen.insert(p).second) out.push_back(p);
  };
  std::size_t start = 0;
  while (start <= selection.size()) {
    std::size_t comma = selection.find(',', start);
    if (comma == std::string::npos) comma = selection.size();
    std::string item = selection.substr(start, comma - start);
    start = comma + 1;
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    if (item == "key") {
      for (const auto& p : key_metrics(summaries)) add(p);
    } else if (item == "all") {
      for (const auto& p : all) add(p);
    } else if (item.size() > 2 && item.ends_with(".*")) {
      const std::string prefix = item.substr(0, item.size() - 1);
      bool any = false;
      for (const auto& p : all)
        if (p.starts_with(prefix)) add(p), any = true;
      if (!any) add(item);  // reported as unknown by the caller
    } else {
      add(item);
    }
  }
  return out;
}

std::string format_metric(std::string_view path, double v) {
  char b[64];
  if (!std::isfinite(v)) return v != v ? "nan" : v > 0 ? "inf" : "-inf";
  if (path.ends_with("_ratio")) {
    std::snprintf(b, sizeof b, "%.2f%%", v * 100);
  } else if (path.ends_with("_pct")) {
    std::snprintf(b, sizeof b, "%.2f", v);
  } else if (std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(b, sizeof b, "%.0f", v);
  } else if (std::fabs(v) >= 1000) {
    std::snprintf(b, sizeof b, "%.0f", v);
  } else if (std::fabs(v) >= 100) {
    std::snprintf(b, sizeof b, "%.1f", v);
  } else {
    std::snprintf(b, sizeof b, "%.4g", v);
  }
  std::string s = b;
  if (s == "-0" || s == "-0.00%" || s == "-0.00") s.erase(0, 1);
  return s;
}

std::string format_metric_pm(std::string_view path, double mean, double half) {
  std::string m = format_metric(path, mean);
  if (!std::isfinite(mean) || !std::isfinite(half)) return m;
  if (m.find_first_not_of("-0123456789") == std::string::npos) {  // a whole mean: show the decimals a mean has
    const double a = std::fabs(mean);
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3, mean);
    m = b;
  }
  const auto dot = m.find('.');
  int decimals = 0;
  if (dot != std::string::npos)
    while (dot + 1 + static_cast<std::size_t>(decimals) < m.size() &&
           std::isdigit(static_cast<unsigned char>(m[dot + 1 + static_cast<std::size_t>(decimals)])))
      ++decimals;
  const bool pct = path.ends_with("_ratio");
  char b[64];
  std::snprintf(b, sizeof b, "%.*f%s", decimals, pct ? half * 100 : half, pct ? "%" : "");
  return m + " \u00b1 " + b;
}

std::string to_string(Direction d) {
  switch (d) {
    case Direction::higher:
      return "higher-is-better";
    case Direction::lower:
      return "lower-is-better";
    case Direction::none:
      break;
  }
  return "two-sided";
}

}  // namespace fleetsim
