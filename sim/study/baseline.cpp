#include "sim/study/baseline.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "sim/io/csv.hpp"
#include "sim/common/error.hpp"
#include "sim/io/input.hpp"
#include "sim/io/scenario_spec.hpp"

namespace fleetsim::baseline {
namespace {

using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

/// Most metrics one baseline lists (a summary has a few hundred).
constexpr std::size_t kMaxMetrics = 4096;

spec::Spec entry_spec() {
  using namespace spec;
  return object(
      "Expected value of one metric.",
      {
          key("value", number("The value the baseline run produced.")).required(),
          key("direction", string("Which way is better.").one_of({"higher-is-better", "lower-is-better", "two-sided"}))
              .required(),
          key("tolerance", object("Change allowed before it is a regression: the larger of abs and rel x |value| "
                                  "(absent: none).",
                                  {
                                      key("abs", number("Absolute tolerance.").min(0)),
                                      key("rel", number("Relative tolerance (0.02 = 2%).").min(0)),
                                  })),
      });
}

Direction direction_of(const std::string& s) {
  return s == "higher-is-better" ? Direction::higher : s == "lower-is-better" ? Direction::lower : Direction::none;
}

std::string signed_metric(const std::string& path, double v) {
  const std::string s = format_metric(path, v);
  return (v > 0 ? "+" : "") + s;
}

}  // namespace

double Entry::allowed() const { return std::max(abs.value_or(0.0), rel.value_or(0.0) * std::fabs(value)); }

Baseline parse(const ojson& doc, const std::string& label) {
  using namespace spec;
  std::vector<Field> metric_fields;
  if (doc.is_object() && doc.contains("metrics") && doc["metrics"].is_object() && doc["metrics"].size() > kMaxMetrics)
    throw InputError(located(label, "/metrics", "expected at most " + std::to_string(kMaxMetrics) + " metrics, got " +
                                                    std::to_string(doc["metrics"].size())));
  if (doc.is_object() && doc.contains("metrics") && doc["metrics"].is_object())
    for (const auto& [k, v] : doc["metrics"].items()) metric_fields.push_back(key(k, entry_spec()));
  const Spec root = object(
      "A fleetsim baseline.",
      {
          key("scenario", string("The scenario that produced it.")),
          key("description", string("Free text.")),
          key("metrics", object("Metric path -> expected value, direction, tolerance.", std::move(metric_fields)))
              .required(),
      });
  const ojson d = validate(doc, root, label);
  Baseline b;
  b.scenario = d.value("scenario", "");
  b.description = d.value("description", "");
  for (const auto& [k, v] : d["metrics"].items()) {
    if (k.empty()) throw InputError(located(label, "/metrics/", "expected a metric path, got an empty key"));
    Entry e;
    e.metric = k;
    e.value = v["value"].get<double>();
    e.direction = direction_of(v["direction"].get<std::string>());
    if (v["tolerance"].contains("abs")) e.abs = v["tolerance"]["abs"].get<double>();
    if (v["tolerance"].contains("rel")) e.rel = v["tolerance"]["rel"].get<double>();
    b.entries.push_back(std::move(e));
  }
  return b;
}

Baseline read(const fs::path& file) { return parse(input::read_json_file(file), input::shown(file)); }

ojson to_json(const Baseline& b) {
  ojson j;
  if (!b.scenario.empty()) j["scenario"] = b.scenario;
  if (!b.description.empty()) j["description"] = b.description;
  ojson m = ojson::object();
  for (const auto& e : b.entries) {
    ojson x;
    x["value"] = e.value;
    x["direction"] = to_string(e.direction);
    ojson t = ojson::object();
    if (e.abs) t["abs"] = *e.abs;
    if (e.rel) t["rel"] = *e.rel;
    x["tolerance"] = t;
    m[e.metric] = x;
  }
  j["metrics"] = m;
  return j;
}

std::string to_text(const Baseline& b) {
  const ojson j = to_json(b);
  std::string s = "{\n";
  for (const auto& [k, v] : j.items()) {
    if (k != "metrics") {
      s += "  " + ojson(k).dump() + ": " + v.dump() + ",\n";
      continue;
    }
    s += "  \"metrics\": {";
    bool first = true;
    for (const auto& [m, e] : v.items()) {
      std::string tol;
      for (const auto& [tk, tv] : e["tolerance"].items())
        tol += (tol.empty() ? "" : ", ") + ojson(tk).dump() + ": " + tv.dump();
      s += std::string(first ? "\n" : ",\n") + "    " + ojson(m).dump() + ": {\"value\": " + e["value"].dump() +
           ", \"direction\": " + e["direction"].dump() + ", \"tolerance\": {" + tol + "}}";
      first = false;
    }
    s += "\n  }\n";
  }
  return s + "}\n";
}

std::vector<Row> check(const Baseline& b, const ojson& summary, const std::string& label,
                       const std::string& summary_label) {
  std::vector<std::string> known;
  for (const auto& [p, v] : flatten_metrics(summary)) known.push_back(p);
  std::vector<Row> rows;
  for (const auto& e : b.entries) {
    const auto cur = find_metric(summary, e.metric);
    if (!cur) {
      const std::string near = csv::closest(e.metric, known);
      throw InputError(
          spec::located(label, "/metrics/" + spec::pointer_token(e.metric),
                        "metric not in " + summary_label + (near.empty() ? "" : "; did you mean \"" + near + "\"?")));
    }
    Row r;
    r.entry = e;
    r.current = *cur;
    const double diff = *cur - e.value, allowed = e.allowed() * (1 + 1e-12);
    const double worse = e.direction == Direction::higher  ? -diff
                         : e.direction == Direction::lower ? diff
                                                           : std::fabs(diff);
    if (worse > allowed)
      r.verdict = Verdict::regressed;
    else if (e.direction != Direction::none && -worse > allowed)
      r.verdict = Verdict::improved;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string render(const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> t;
  t.push_back({"metric", "baseline", "current", "change", "allowed", "better", "verdict"});
  std::vector<const Row*> order;
  for (const auto& r : rows) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [](const Row* a, const Row* b) {
    return a->verdict == Verdict::regressed && b->verdict != Verdict::regressed;
  });
  for (const Row* r : order) {
    const auto& e = r->entry;
    const double diff = r->current - e.value;
    std::string change = diff == 0 ? "0" : signed_metric(e.metric, diff);
    if (diff != 0 && e.value != 0) {
      char b[32];
      std::snprintf(b, sizeof b, " (%+.2f%%)", diff / std::fabs(e.value) * 100);
      change += b;
    }
    t.push_back({e.metric, format_metric(e.metric, e.value), format_metric(e.metric, r->current), change,
                 "\u00b1" + format_metric(e.metric, e.allowed()),
                 e.direction == Direction::higher  ? "higher"
                 : e.direction == Direction::lower ? "lower"
                                                   : "same",
                 r->verdict == Verdict::regressed  ? (e.direction == Direction::none ? "CHANGED" : "REGRESSED")
                 : r->verdict == Verdict::improved ? "improved"
                                                   : "ok"});
  }
  // Aligned columns, first left.
  std::vector<std::size_t> w(t[0].size(), 0);
  auto len = [](const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  };
  for (const auto& row : t)
    for (std::size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], len(row[c]));
  std::string out;
  for (const auto& row : t) {
    std::string line = "  ";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(w[c] - len(row[c]), ' ');
      line += (c == 0 || c + 1 == row.size()) ? row[c] + pad : pad + row[c];
      line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

void default_tolerance(Entry& e) {
  e.abs.reset();
  e.rel.reset();
  if (e.metric.ends_with("_ratio"))
    e.abs = 0.005;
  else if (e.metric.ends_with("_pct"))
    e.abs = 0.5;
  else
    e.rel = 0.02;
  if (e.metric.find("_s.") != std::string::npos || e.metric.ends_with("_s")) e.abs = 1.0;  // seconds: at least 1 s
}

Baseline updated(const std::optional<Baseline>& old, const ojson& summary, const std::string& label,
                 const std::string& summary_label, const std::string& scenario) {
  Baseline b;
  if (old) {
    b = *old;
    for (const auto& r : check(*old, summary, label, summary_label))  // throws for a missing metric
      for (auto& e : b.entries)
        if (e.metric == r.entry.metric) e.value = r.current;
  } else {
    b.description = "Expected metrics (fleetsim check); after an intended change, refresh with --update-baseline.";
    for (const auto& m : key_metrics({&summary})) {
      Entry e;
      e.metric = m;
      e.value = *find_metric(summary, m);
      e.direction = metric_direction(m);
      default_tolerance(e);
      b.entries.push_back(std::move(e));
    }
  }
  if (!scenario.empty()) b.scenario = scenario;
  return b;
}

}  // namespace fleetsim::baseline
