#include "sim/study/sweep.hpp"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/common/error.hpp"
#include "sim/study/metric_paths.hpp"
#include "sim/io/outputs.hpp"
#include "sim/io/scenario_spec.hpp"
#include "sim/study/stats.hpp"

namespace fleetsim::sweep {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

constexpr std::size_t kMaxPoints = static_cast<std::size_t>(input::kMaxSweepPoints);

std::string read_text(const fs::path& file) { return input::read_text_file(file, input::kMaxJsonBytes); }

ojson parse_json(const std::string& text, const std::string& label) { return input::parse_json(text, label); }

const spec::Spec& sweep_spec() {
  using namespace spec;
  static const Spec s = object(
      "A fleetsim sweep: a grid of overrides over one scenario.",
      {
          key("name", string("Sweep name (default: the file name without .sweep.json).").not_empty()),
          key("description", string("Free text.")),
          key("scenario", string("Base scenario file, relative to the sweep file's folder.").not_empty()).required(),
          key("set", map("Fixed overrides for every run: dotted scenario path -> value.")),
          key("grid", map("Dotted scenario path -> non-empty array of values, or an integer range "
                          "{\"from\": a, \"to\": b, \"step\": s} (inclusive). The runs are every combination."))
              .required(),
          key("replicate", string("Grid path aggregated over (mean, std, 95% CI); default \"seed\" when the grid "
                                  "has it.")
                               .not_empty()),
          key("metrics", array("Metrics shown in tables and charts: paths, prefix.*, key, all.",
                               string("A metric selection.").not_empty())
                             .not_empty()),
          key("output", string("Output folder, relative to the current directory (default out/<name>).").not_empty()),
      });
  return s;
}

/// Why a dotted path names no scenario field, or nullopt when it does.
std::optional<std::string> unknown_path(const std::string& path) {
  const spec::Spec* s = &spec::scenario();
  std::string at;  // JSON pointer walked so far
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t dot = path.find('.', start);
    if (dot == std::string::npos) dot = path.size();
    const std::string seg = path.substr(start, dot - start);
    start = dot + 1;
    if (seg.empty()) return "empty segment";
    const std::string where = at.empty() ? "the top level" : at;
    switch (s->type) {
      case spec::Type::map:
        return std::nullopt;  // free-form (policy params, inline jobs)
      case spec::Type::object: {
        const spec::Field* f = nullptr;
        std::vector<std::string> keys;
        for (const auto& g : s->fields) {
          keys.push_back(g.key);
          if (g.key == seg) f = &g;
        }
        if (!f) {
          const std::string near = csv::closest(seg, keys);
          std::string msg = "no key \"" + seg + "\" at " + where;
          if (!near.empty()) return msg + "; did you mean \"" + near + "\"?";
          std::string list;
          for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
          return msg + " (keys: " + list + ")";
        }
        s = &f->spec;
        break;
      }
      case spec::Type::array:
        if (seg.find_first_not_of("0123456789") != std::string::npos || seg.size() > 9)
          return "\"" + seg + "\" is not an array index (" + where + " is an array)";
        s = s->items.get();
        break;
      default:
        return where + " is a single value; it has no \"" + seg + "\"";
    }
    at += "/" + seg;
  }
  return std::nullopt;
}

std::string override_of(const std::string& path, const ojson& v) { return path + "=" + v.dump(); }

/// How a value reads in tables: strings as they are (a file path by its name without folder and
/// extension), other values as JSON.
std::string display_of(const ojson& v) {
  if (!v.is_string()) return spec::brief(v);
  std::string s = v.get<std::string>();
  if (s.find('/') != std::string::npos) {
    const fs::path p(s);
    if (!p.stem().empty()) s = p.stem().string();
  }
  return s;
}

std::string label_of(const ojson& v) {
  std::string s = v.is_string() ? display_of(v) : v.dump();
  if (v.is_object() || v.is_array() || s.empty() || s.size() > 40) return "";
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == '_')) c = '_';
  if (s == "." || s == "..") s = "_" + s;
  return s;
}

std::string hex64(std::uint64_t h) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
  return b;
}

struct Fnv {
  std::uint64_t h = 1469598103934665603ULL;
  void add(std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;  // separator
  }
};

/// Content hash of an input file, cached for the process (a plan hashes the same trace often).
std::string file_hash(const fs::path& file) {
  static std::map<std::string, std::string> cache;
  const std::string key = fs::absolute(file).lexically_normal().string();
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::ifstream in(file, std::ios::binary);
  Fnv f;
  std::string buf(1 << 16, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i < n; ++i) f.h = (f.h ^ static_cast<unsigned char>(buf[i])) * 1099511628211ULL;
  }
  return cache[key] = hex64(f.h);
}

std::string pointer(const std::string& key) { return "/" + spec::pointer_token(key); }

ojson num_or_null(double v) { return std::isfinite(v) ? ojson(v) : ojson(nullptr); }

std::string csv_value(const ojson& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return csv_field(v.get<std::string>());
  if (v.is_number_float()) return format_double(v.get<double>());
  return csv_field(v.dump());
}

}  // namespace

std::vector<std::string> Plan::overrides(const Point& p) const {
  std::vector<std::string> out;
  for (const auto& [path, v] : set) out.push_back(override_of(path, v));
  for (std::size_t a = 0; a < axes.size(); ++a) out.push_back(override_of(axes[a].path, axes[a].values[p.at[a]]));
  return out;
}

ojson Plan::values(const Point& p) const {
  ojson v = ojson::object();
  for (std::size_t a = 0; a < axes.size(); ++a) v[axes[a].path] = axes[a].values[p.at[a]];
  return v;
}

std::string Plan::describe(const Point& p) const {
  std::string s;
  for (std::size_t a = 0; a < axes.size(); ++a)
    s += (a ? ", " : "") + axes[a].path + "=" + spec::brief(axes[a].values[p.at[a]]);
  return s;
}

std::string scenario_hash(const Scenario& sc) {
  Fnv f;
  f.add(FLEETSIM_VERSION);
  ojson raw = sc.raw;
  if (raw.contains("outputs") && raw["outputs"].is_object()) {  // where files go changes no result
    for (const char* k : {"dir", "report_html"}) raw["outputs"].erase(k);
    if (raw["outputs"].empty()) raw.erase("outputs");
  }
  f.add(raw.dump());
  for (const fs::path* p : {&sc.workload.trace, &sc.cluster.node_list}) {
    if (p->empty()) continue;
    f.add(p->string());
    f.add(file_hash(*p));
  }
  return hex64(f.h);
}

Plan load_sweep(const fs::path& file, const std::optional<fs::path>& output) {
  const std::string label = file.string();
  const ojson doc = spec::validate(parse_json(read_text(file), label), sweep_spec(), label);
  auto fail = [&](const std::string& ptr, const std::string& what) -> void {
    throw InputError(spec::located(label, ptr, what));
  };

  Plan plan;
  plan.sweep_file = fs::absolute(file).lexically_normal();
  std::string stem = file.filename().string();
  for (const char* ext : {".sweep.json", ".json"})
    if (stem.size() > std::string(ext).size() && stem.ends_with(ext)) {
      stem.resize(stem.size() - std::string(ext).size());
      break;
    }
  plan.name = doc.contains("name") ? doc["name"].get<std::string>() : stem;
  plan.description = doc.value("description", "");
  // As given (relative to the current folder) for messages; absolute in the plan, for runs.
  const fs::path scenario_given = (file.parent_path() / doc["scenario"].get<std::string>()).lexically_normal();
  plan.scenario = (plan.sweep_file.parent_path() / doc["scenario"].get<std::string>()).lexically_normal();
  if (auto why = input::why_unreadable(scenario_given, input::kMaxJsonBytes))
    fail("/scenario", (*why == "cannot open file" ? std::string("file not found") : *why) + ": " + input::shown(scenario_given));
  plan.output = output                   ? *output
                : doc.contains("output") ? fs::path(doc["output"].get<std::string>())
                                         : fs::path("out") / plan.name;
  if (doc.contains("metrics")) {
    plan.metrics.clear();
    for (const auto& m : doc["metrics"]) plan.metrics += (plan.metrics.empty() ? "" : ",") + m.get<std::string>();
  }

  auto check_path = [&](const std::string& ptr, const std::string& path) {
    if (auto why = unknown_path(path)) fail(ptr, "unknown scenario path \"" + path + "\" (" + *why + ")");
    if (path == "outputs.dir" || path.starts_with("outputs.dir."))
      fail(ptr, "the sweep chooses each run's output folder; remove this path");
  };
  if (doc.contains("set"))
    for (const auto& [path, v] : doc["set"].items()) {
      check_path("/set" + pointer(path), path);
      plan.set.emplace_back(path, v);
    }

  const ojson& grid = doc["grid"];
  if (grid.empty()) fail("/grid", "expected at least one path with a list of values, got {}");
  std::size_t total = 1;
  for (const auto& [path, v] : grid.items()) {
    const std::string ptr = "/grid" + pointer(path);
    check_path(ptr, path);
    for (const auto& [p2, unused] : plan.set)
      if (p2 == path) fail(ptr, "also set in /set" + pointer(path) + "; keep one");
    Axis ax;
    ax.path = path;
    if (v.is_array()) {
      if (v.empty()) fail(ptr, "expected a non-empty array of values, got []");
      if (v.size() > kMaxPoints)
        fail(ptr, "array of " + std::to_string(v.size()) + " values; at most " + std::to_string(kMaxPoints) + " runs in a sweep");
      ax.values.assign(v.begin(), v.end());
    } else if (v.is_object() && v.contains("from") && v.contains("to")) {
      // Bounds first, so the arithmetic below cannot overflow: |from|, |to| <= 2^53, step >= 1.
      constexpr std::int64_t kBound = std::int64_t{1} << 53;
      for (const auto& [k, x] : v.items()) {
        if (k != "from" && k != "to" && k != "step") fail(ptr + pointer(k), "unknown key; a range has from, to, step");
        if (!x.is_number_integer() || (x.is_number_unsigned() && x.get<std::uint64_t>() > std::uint64_t(kBound)) ||
            x.get<std::int64_t>() < -kBound || x.get<std::int64_t>() > kBound)
          fail(ptr + pointer(k), "expected an integer from -2^53 to 2^53, got " + spec::brief(x));
      }
      const auto from = v["from"].get<std::int64_t>(), to = v["to"].get<std::int64_t>();
      const auto step = v.contains("step") ? v["step"].get<std::int64_t>() : 1;
      if (step < 1) fail(ptr + "/step", "expected a positive integer, got " + spec::brief(v["step"]));
      if (to < from)
        fail(ptr + "/to", "expected an integer >= from (" + std::to_string(from) + "), got " + std::to_string(to));
      if ((to - from) / step >= static_cast<std::int64_t>(kMaxPoints))
        fail(ptr, "range of " + std::to_string((to - from) / step + 1) + " values; at most " + std::to_string(kMaxPoints) +
                      " runs in a sweep");
      for (auto x = from; x <= to; x += step) ax.values.emplace_back(x);
    } else {
      fail(ptr, "expected a non-empty array of values or a range {\"from\": a, \"to\": b}, got " + spec::brief(v));
    }
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < ax.values.size(); ++i) {
      auto [it, fresh] = seen.emplace(ax.values[i].dump(), i);
      if (!fresh)
        fail(ptr + (v.is_array() ? "/" + std::to_string(i) : ""),
             "duplicate value " + spec::brief(ax.values[i]) + " (first at index " + std::to_string(it->second) + ")");
    }
    total *= ax.values.size();
    if (total > kMaxPoints) fail("/grid", "more than " + std::to_string(kMaxPoints) + " runs (the limit of a sweep)");
    plan.axes.push_back(std::move(ax));
  }

  // Names and folder labels.
  std::map<std::string, int> name_count;
  for (auto& ax : plan.axes) {
    ax.name = ax.path.substr(ax.path.rfind('.') == std::string::npos ? 0 : ax.path.rfind('.') + 1);
    ++name_count[ax.name];
  }
  for (auto& ax : plan.axes) {
    if (name_count[ax.name] > 1 || ax.name.find_first_not_of("0123456789") == std::string::npos) ax.name = ax.path;
    std::set<std::string> used;
    bool distinct = true;
    for (const auto& v : ax.values) {
      ax.labels.push_back(label_of(v));
      distinct = distinct && !ax.labels.back().empty() && used.insert(ax.labels.back()).second;
    }
    if (!distinct)
      for (std::size_t i = 0; i < ax.values.size(); ++i)
        ax.labels[i] = "v" + std::to_string(i) + (ax.labels[i].empty() ? "" : "-" + ax.labels[i]);
  }

  if (doc.contains("replicate")) {
    plan.replicate = doc["replicate"].get<std::string>();
    bool found = false;
    for (const auto& ax : plan.axes) found = found || ax.path == plan.replicate;
    if (!found) fail("/replicate", "expected a path of /grid, got " + spec::brief(doc["replicate"]));
  } else {
    for (const auto& ax : plan.axes)
      if (ax.path == "seed") plan.replicate = "seed";
  }

  // Every value on its own (other axes at their first value), then every point: the scenario
  // validator decides, the sweep file is where the error is.
  std::vector<std::size_t> first(plan.axes.size(), 0);
  const ojson base = input::read_json_file(scenario_given);  // read once for every point
  auto load = [&](const std::vector<std::size_t>& at) {
    Point p;
    p.at = at;
    return load_scenario(base, scenario_given, plan.overrides(p));
  };
  if (!plan.set.empty()) {  // the fixed overrides are at fault when the first point fails only with them
    try {
      (void)load(first);
    } catch (const InputError& e) {
      bool without_set_ok = true;
      try {
        Point p;
        p.at = first;
        auto o = plan.overrides(p);
        o.erase(o.begin(), o.begin() + static_cast<std::ptrdiff_t>(plan.set.size()));
        (void)load_scenario(base, scenario_given, o);
      } catch (const InputError&) {
        without_set_ok = false;
      }
      if (without_set_ok) fail("/set", e.what());
    }
  }
  for (std::size_t a = 0; a < plan.axes.size(); ++a) {
    const auto& ax = plan.axes[a];
    const bool listed = grid[ax.path].is_array();
    for (std::size_t i = 0; i < ax.values.size(); ++i) {
      auto at = first;
      at[a] = i;
      try {
        (void)load(at);
      } catch (const InputError& e) {
        fail("/grid" + pointer(ax.path) +
                 (listed ? "/" + std::to_string(i) : " (value " + spec::brief(ax.values[i]) + ")"),
             e.what());
      }
    }
  }
  plan.points.reserve(total);
  std::vector<std::size_t> at(plan.axes.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    Point p;
    p.index = n;
    p.at = at;
    p.dir = "runs";
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
      p.dir += "/" + plan.axes[a].name + "=" + plan.axes[a].labels[at[a]];
    try {
      p.hash = scenario_hash(load(at));
    } catch (const InputError& e) {
      fail("/grid", "run " + std::to_string(n) + " (" + plan.describe(p) + "): " + e.what());
    }
    plan.points.push_back(std::move(p));
    for (std::size_t a = plan.axes.size(); a-- > 0;) {  // last axis varies fastest
      if (++at[a] < plan.axes[a].values.size()) break;
      at[a] = 0;
    }
  }
  return plan;
}

ojson plan_to_json(const Plan& plan) {
  ojson j;
  j["fleetsim_version"] = FLEETSIM_VERSION;
  j["name"] = plan.name;
  j["description"] = plan.description;
  j["sweep_file"] = plan.sweep_file.string();
  j["scenario"] = plan.scenario.string();
  ojson set = ojson::object();
  for (const auto& [p, v] : plan.set) set[p] = v;
  j["set"] = set;
  ojson axes = ojson::array();
  for (const auto& ax : plan.axes) {
    ojson a;
    a["path"] = ax.path;
    a["name"] = ax.name;
    a["values"] = ax.values;
    a["labels"] = ax.labels;
    axes.push_back(a);
  }
  j["axes"] = axes;
  j["replicate"] = plan.replicate;
  j["metrics"] = plan.metrics;
  j["output"] = fs::absolute(plan.output).lexically_normal().string();
  ojson pts = ojson::array();
  for (const auto& p : plan.points) {
    ojson q;
    q["index"] = p.index;
    q["at"] = p.at;
    q["dir"] = p.dir;
    q["hash"] = p.hash;
    pts.push_back(q);
  }
  j["points"] = pts;
  return j;
}

Plan plan_from_json(const ojson& j, const std::string& label) {
  try {
    Plan plan;
    plan.name = j.at("name").get<std::string>();
    plan.description = j.at("description").get<std::string>();
    plan.sweep_file = j.at("sweep_file").get<std::string>();
    plan.scenario = j.at("scenario").get<std::string>();
    for (const auto& [p, v] : j.at("set").items()) plan.set.emplace_back(p, v);
    for (const auto& a : j.at("axes")) {
      Axis ax;
      ax.path = a.at("path").get<std::string>();
      ax.name = a.at("name").get<std::string>();
      ax.values.assign(a.at("values").begin(), a.at("values").end());
      ax.labels = a.at("labels").get<std::vector<std::string>>();
      plan.axes.push_back(std::move(ax));
    }
    plan.replicate = j.at("replicate").get<std::string>();
    plan.metrics = j.at("metrics").get<std::string>();
    plan.output = j.at("output").get<std::string>();
    for (const auto& q : j.at("points")) {
      Point p;
      p.index = q.at("index").get<std::size_t>();
      p.at = q.at("at").get<std::vector<std::size_t>>();
      p.dir = q.at("dir").get<std::string>();
      p.hash = q.at("hash").get<std::string>();
      if (p.index != plan.points.size() || p.at.size() != plan.axes.size())
        throw InputError(label + ": /points/" + std::to_string(plan.points.size()) + ": inconsistent point");
      for (std::size_t a = 0; a < p.at.size(); ++a)
        if (p.at[a] >= plan.axes[a].values.size())
          throw InputError(label + ": /points/" + std::to_string(p.index) + "/at: value index out of range");
      plan.points.push_back(std::move(p));
    }
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(label + ": not a fleetsim sweep plan (" + std::string(e.what()) + ")");
  }
}

Plan read_plan(const fs::path& dir) {
  const fs::path file = dir / "plan.json";
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw InputError(dir.string() +
                     ": not a sweep folder (no plan.json; run `fleetsim sweep SWEEP.json` or "
                     "`--emit slurm` first)");
  Plan plan = plan_from_json(parse_json(read_text(file), file.string()), file.string());
  plan.output = dir;
  return plan;
}

ojson point_marker(const Plan& plan, const Point& p) {
  ojson j;
  j["sweep"] = plan.name;
  j["index"] = p.index;
  j["values"] = plan.values(p);
  j["hash"] = p.hash;
  j["fleetsim_version"] = FLEETSIM_VERSION;
  return j;
}

bool point_done(const Plan& plan, const Point& p) {
  const fs::path dir = plan.output / p.dir;
  std::error_code ec;
  if (!fs::is_regular_file(dir / "summary.json", ec) || !fs::is_regular_file(dir / kPointFile, ec)) return false;
  std::string text;
  try {
    text = read_text(dir / kPointFile);
  } catch (const InputError&) {
    return false;  // unreadable marker: run the point again
  }
  const ojson m = ojson::parse(text, nullptr, false);
  return !m.is_discarded() && m.is_object() && m.contains("hash") && m["hash"].is_string() && m["hash"] == p.hash;
}

ojson aggregate(const Plan& plan, const std::vector<RunSummary>& runs) {
  std::size_t rep = plan.axes.size();
  for (std::size_t a = 0; a < plan.axes.size(); ++a)
    if (plan.axes[a].path == plan.replicate) rep = a;

  // Groups in first-appearance order: the point's value indices without the replicate axis.
  std::map<std::vector<std::size_t>, std::size_t> group_of;
  std::vector<std::vector<const RunSummary*>> members;
  for (const auto& r : runs) {
    auto key = r.point->at;
    if (rep < key.size()) key.erase(key.begin() + static_cast<std::ptrdiff_t>(rep));
    auto [it, fresh] = group_of.emplace(key, members.size());
    if (fresh) members.emplace_back();
    members[it->second].push_back(&r);
  }

  ojson out;
  out["sweep"] = plan.name;
  out["scenario"] = plan.scenario.string();
  out["replicate"] = plan.replicate.empty() ? ojson(nullptr) : ojson(plan.replicate);
  ojson axes = ojson::array();
  for (const auto& ax : plan.axes) {
    ojson a;
    a["path"] = ax.path;
    a["values"] = ax.values;
    axes.push_back(a);
  }
  out["axes"] = axes;
  out["runs"] = runs.size();
  out["confidence"] = 0.95;
  const std::size_t named_axes = plan.axes.size() - (rep < plan.axes.size() ? 1 : 0);
  ojson groups = ojson::array();
  for (const auto& g : members) {
    const Point& first = *g.front()->point;
    ojson params = ojson::object();
    std::string label;
    for (std::size_t a = 0; a < plan.axes.size(); ++a) {
      if (a == rep) continue;
      const auto& v = plan.axes[a].values[first.at[a]];
      params[plan.axes[a].path] = v;
      // "fgd", or with several paths "fgd · openb_node_list_gpu_node · ratio=1.3" (numbers named)
      label += (label.empty() ? "" : " \u00b7 ") + (named_axes > 1 && !v.is_string() ? plan.axes[a].name + "=" : "") +
               display_of(v);
    }
    ojson grp;
    grp["label"] = label.empty() ? plan.name : label;
    grp["params"] = params;
    grp["n"] = g.size();
    ojson reps = ojson::array(), dirs = ojson::array();
    std::vector<std::string> order;
    std::map<std::string, std::vector<double>> values;
    for (const RunSummary* r : g) {
      if (rep < plan.axes.size()) reps.push_back(plan.axes[rep].values[r->point->at[rep]]);
      dirs.push_back(r->point->dir);
      for (const auto& [path, v] : flatten_metrics(r->summary)) {
        auto& vec = values[path];
        if (vec.empty()) order.push_back(path);
        vec.push_back(v);
      }
    }
    if (rep < plan.axes.size()) grp["replicates"] = reps;
    grp["runs"] = dirs;
    ojson metrics = ojson::object();
    for (const auto& path : order) {
      const auto a = stats::aggregate(values[path]);
      ojson m;
      m["n"] = a.n;
      m["mean"] = num_or_null(a.mean);
      m["std"] = num_or_null(a.std_dev);
      m["ci95_low"] = num_or_null(a.ci95_low);
      m["ci95_high"] = num_or_null(a.ci95_high);
      m["min"] = num_or_null(a.min);
      m["max"] = num_or_null(a.max);
      metrics[path] = m;
    }
    grp["metrics"] = metrics;
    groups.push_back(grp);
  }
  out["groups"] = groups;
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string results_csv(const Plan& plan, const ojson& results) {
  std::vector<std::string> cols;
  for (const auto& ax : plan.axes)
    if (ax.path != plan.replicate) cols.push_back(ax.path);
  std::string s;
  for (const auto& c : cols) s += csv_field(c) + ",";
  s += "metric,n,mean,std,ci95_low,ci95_high,min,max\n";
  for (const auto& g : results["groups"])
    for (const auto& [path, m] : g["metrics"].items()) {
      for (const auto& c : cols) s += csv_value(g["params"][c]) + ",";
      s += csv_field(path) + "," + std::to_string(m["n"].get<std::size_t>());
      for (const char* k : {"mean", "std", "ci95_low", "ci95_high", "min", "max"}) s += "," + csv_value(m[k]);
      s += "\n";
    }
  return s;
}

std::string runs_csv(const Plan& plan, const std::vector<RunSummary>& runs) {
  std::vector<std::string> metrics;
  std::set<std::string> seen;
  std::vector<std::map<std::string, double>> rows;
  for (const auto& r : runs) {
    auto& row = rows.emplace_back();
    for (const auto& [path, v] : flatten_metrics(r.summary)) {
      row[path] = v;
      if (seen.insert(path).second) metrics.push_back(path);
    }
  }
  std::string s;
  for (const auto& ax : plan.axes) s += csv_field(ax.path) + ",";
  s += "dir";
  for (const auto& m : metrics) s += "," + csv_field(m);
  s += "\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Point& p = *runs[i].point;
    for (std::size_t a = 0; a < plan.axes.size(); ++a) s += csv_value(plan.axes[a].values[p.at[a]]) + ",";
    s += csv_field(p.dir);
    for (const auto& m : metrics) {
      s += ",";
      if (auto it = rows[i].find(m); it != rows[i].end()) s += format_double(it->second);
    }
    s += "\n";
  }
  return s;
}

std::string array_ranges(const std::vector<std::size_t>& idx) {
  std::string s;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j + 1 < idx.size() && idx[j + 1] == idx[j] + 1) ++j;
    s += (s.empty() ? "" : ",") + std::to_string(idx[i]);
    if (j > i) s += "-" + std::to_string(idx[j]);
    i = j + 1;
  }
  return s;
}

namespace {
std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}
}  // namespace

std::string slurm_script(const Plan& plan, const std::vector<std::size_t>& points, const fs::path& exe,
                         const std::vector<std::string>& sbatch_options) {
  const fs::path dir = fs::absolute(plan.output).lexically_normal();
  std::string job = "fleetsim-" + plan.name;
  for (char& c : job)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  std::ostringstream o;
  o << "#!/bin/bash\n"
    << "# fleetsim sweep \"" << plan.name << "\": " << points.size() << " of " << plan.points.size()
    << " runs (the unfinished ones), one per array task.\n"
    << "# Written by `fleetsim sweep --emit slurm`. Submit it with:  sbatch "
    << shell_quote((dir / "sweep.sbatch").string())
    << "\n# then, when the array has finished:               fleetsim sweep --collect " << shell_quote(dir.string())
    << "\n# Each task runs one grid point of plan.json into runs/...; a task that finds its run already\n"
    << "# finished (same scenario hash) does nothing. The folder must be on a shared file system.\n"
    << "#SBATCH --job-name=" << job << "\n"
    << "#SBATCH --array=" << array_ranges(points) << "\n"
    << "#SBATCH --output=" << (dir / "slurm" / "%A_%a.out").string() << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=1\n";
  for (const auto& opt : sbatch_options) o << "#SBATCH " << opt << "\n";
  o << "set -euo pipefail\n"
    << "exec " << shell_quote(exe.string()) << " sweep --task \"$SLURM_ARRAY_TASK_ID\" --dir "
    << shell_quote(dir.string()) << " --quiet\n";
  return o.str();
}

}  // namespace fleetsim::sweep
