#include "sim/study/plan.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "sim/measure/cost.hpp"
#include "sim/common/error.hpp"
#include "sim/study/metric_paths.hpp"
#include "sim/measure/metrics.hpp"
#include "sim/io/scenario_spec.hpp"
#include "sim/io/workload.hpp"

namespace fleetsim::plan {
namespace {

using ojson = nlohmann::ordered_json;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

/// summary.json metrics of an empty run plus the optional ones: the vocabulary of targets.
const ojson& metric_template() {
  static const ojson m = [] {
    ClusterState cluster;
    UtilizationObserver util(cluster, false);
    util.finish(0);
    ojson t = compute_metrics(cluster, {}, {}, util);
    const ojson cost_metrics = cost::to_json(cost::Result{});
    for (const auto& [k, v] : cost_metrics.items()) t[k] = v;
    for (const char* k : {"frag_ratio", "frag_gpus", "stranded_gpus"}) t[k] = 0.0;
    t["run_s_mean_by_gpus"] = ojson::object();  // open map: any key
    return t;
  }();
  return m;
}

bool known_in(const ojson& node, const std::string& path) {
  const auto dot = path.find('.');
  const std::string head = path.substr(0, dot);
  if (!node.is_object()) return false;
  if (node.empty()) return dot == std::string::npos;  // an open map: one more key, any name
  if (!node.contains(head)) return false;
  const ojson& child = node[head];
  if (dot == std::string::npos) return child.is_number();
  return known_in(child, path.substr(dot + 1));
}

std::string fmt(double v) {
  std::ostringstream o;
  if (std::fabs(v) >= 1e6 || v == std::floor(v))
    o << std::fixed << std::setprecision(0) << v;
  else
    o << std::setprecision(4) << v;
  return o.str();
}

} // namespace

bool known_metric(const std::string& path) { return known_in(metric_template(), path); }

Target parse_target(const std::string& text, const std::string& label, const std::string& pointer) {
  static const char* const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
  Target t;
  t.text = text;
  for (const char* op : ops) {
    const auto at = text.find(op);
    if (at == std::string::npos) continue;
    t.op = op;
    t.metric = trim(text.substr(0, at));
    const std::string rhs = trim(text.substr(at + std::string(op).size()));
    if (t.metric.empty() || rhs.empty()) break;
    if (!known_metric(t.metric))
      throw InputError(spec::located(label, pointer, "unknown metric \"" + t.metric + "\" in target \"" + text + "\""));
    char* end = nullptr;
    t.rhs = std::strtod(rhs.c_str(), &end);
    if (end && *end == '\0' && std::isfinite(t.rhs)) return t;
    if (!known_metric(rhs))
      throw InputError(spec::located(label, pointer, "unknown metric \"" + rhs + "\" in target \"" + text + "\""));
    t.rhs_metric = rhs;
    return t;
  }
  throw InputError(spec::located(label, pointer, "expected \"METRIC OP VALUE\" with OP one of <=, <, >=, >, ==, !=, got \"" +
                                                     text + "\""));
}

PlanSpec plan_from_scenario(const Scenario& sc, const std::vector<std::string>& cli_sets) {
  (void)cli_sets;  // already applied to sc.raw
  const std::string label = sc.source.empty() ? std::string("scenario") : sc.source.string();
  if (!sc.raw.contains("plan"))
    throw InputError(spec::located(label, "/plan", "required key is missing (fleetsim plan needs targets and topologies)"));
  const nlohmann::json& p = sc.raw["plan"];
  PlanSpec ps;
  ps.max_probes = p.value("max_probes", 12);
  for (std::size_t i = 0; i < p["targets"].size(); ++i)
    ps.targets.push_back(parse_target(p["targets"][i].get<std::string>(), label, "/plan/targets/" + std::to_string(i)));
  for (std::size_t i = 0; i < p["topologies"].size(); ++i) {
    const auto& t = p["topologies"][i];
    const std::string at = "/plan/topologies/" + std::to_string(i);
    Topology top;
    top.name = t["name"].get<std::string>();
    if (t.contains("cluster")) top.overrides.push_back("cluster=" + t["cluster"].dump());
    if (t.contains("set"))
      for (const auto& [k, v] : t["set"].items()) top.overrides.push_back(k + "=" + v.dump());
    for (std::size_t j = 0; j < t["vary"].size(); ++j) {
      const auto& v = t["vary"][j];
      Variable var{v["path"].get<std::string>(), v["min"].get<std::int64_t>(), v["max"].get<std::int64_t>(),
                   v.value("step", std::int64_t{1})};
      if (var.max < var.min)
        throw InputError(spec::located(label, at + "/vary/" + std::to_string(j) + "/max",
                                       "expected a value >= min (" + std::to_string(var.min) + "), got " +
                                           std::to_string(var.max)));
      var.max = var.value(var.size() - 1);  // the last value on the step grid
      top.vary.push_back(var);
    }
    // The scenario must be valid at both ends of every variable.
    for (bool lo : {true, false}) {
      nlohmann::json doc = sc.raw;
      try {
        for (const auto& o : top.overrides) apply_override(doc, o);
        for (const auto& v : top.vary) apply_override(doc, v.path + "=" + std::to_string(lo ? v.min : v.max));
        Scenario probe = scenario_from_json(
            doc, label + " (plan topology \"" + top.name + "\" at its " + (lo ? "min" : "max") + ")", sc.source.parent_path());
        probe.source = sc.source;
        (void)load_inputs(probe);  // the workload and cluster too: a probe cannot fail on its input
      } catch (const InputError& e) {
        throw InputError(spec::located(label, at, e.what()));
      }
    }
    ps.topologies.push_back(std::move(top));
  }
  return ps;
}

std::vector<TargetResult> evaluate(const std::vector<Target>& targets, const ojson& summary) {
  std::vector<TargetResult> out;
  for (const auto& t : targets) {
    TargetResult r;
    r.value = find_metric(summary, t.metric);
    std::optional<double> rhs = t.rhs_metric.empty() ? std::optional<double>(t.rhs) : find_metric(summary, t.rhs_metric);
    if (r.value && rhs) {
      const double a = *r.value, b = *rhs;
      r.met = t.op == "<=" ? a <= b : t.op == ">=" ? a >= b : t.op == "<" ? a < b : t.op == ">" ? a > b
                                                            : t.op == "==" ? a == b : a != b;
    }
    out.push_back(r);
  }
  return out;
}

namespace {

/// One topology's search: variables minimised in order, each by k-section of [lo, hi] where
/// lo is the largest index known to miss the targets and hi the smallest known (or assumed, at
/// the start: the maximum) to meet them, the others fixed (earlier ones at their minimum found,
/// later ones at their maximum). Assumes meeting the targets is monotone in every count.
class Search {
public:
  Search(const Topology& t, std::size_t index, int budget) : t_(t), index_(index), budget_(budget) {
    cur_.resize(t.vary.size());
    for (std::size_t k = 0; k < t.vary.size(); ++k) cur_[k] = t.vary[k].size() - 1;
    hi_ = cur_[0];
  }

  bool done() const { return done_; }

  std::vector<Probe> propose(unsigned slots) {
    std::vector<Probe> out;
    settle();
    if (done_) return out;
    std::set<std::int64_t> xs;
    if (!hi_ok_) xs.insert(hi_);
    const auto room = static_cast<std::int64_t>(std::min<long>(slots, budget_ - used_)) - static_cast<std::int64_t>(xs.size());
    for (std::int64_t i = 1; i <= room; ++i) {
      const std::int64_t x = lo_ + ((hi_ - lo_) * i) / (room + 1);
      if (x > lo_ && x < hi_) xs.insert(x);
    }
    for (std::int64_t x : xs) {
      auto idx = cur_;
      idx[k_] = x;
      out.push_back(make(idx));
      ++used_;
    }
    return out;
  }

  void report(const std::vector<std::int64_t>& idx, bool met) {
    cache_[idx] = met;
  }

  std::vector<std::int64_t> best() const {
    auto idx = cur_;
    if (k_ < idx.size()) idx[k_] = hi_;
    return idx;
  }
  bool feasible() const { return feasible_; }
  bool converged() const { return converged_; }
  int used() const { return used_; }
  std::vector<std::int64_t> values(const std::vector<std::int64_t>& idx) const {
    std::vector<std::int64_t> v;
    for (std::size_t k = 0; k < idx.size(); ++k) v.push_back(t_.vary[k].value(idx[k]));
    return v;
  }

private:
  Probe make(const std::vector<std::int64_t>& idx) const {
    Probe p;
    p.topology = index_;
    p.values = values(idx);
    p.overrides = t_.overrides;
    p.label = t_.name;
    for (std::size_t k = 0; k < idx.size(); ++k) {
      p.overrides.push_back(t_.vary[k].path + "=" + std::to_string(p.values[k]));
      p.label += (k ? "," : "/") + t_.vary[k].path + "=" + std::to_string(p.values[k]);
    }
    return p;
  }

  /// Folds known results into [lo, hi]; moves to the next variable when the interval closed.
  void settle() {
    if (done_) return;  // k_ may be past the last variable: nothing to fold (was a read past cur_'s end)
    for (;;) {
      bool changed = false;
      for (const auto& [idx, met] : cache_) {
        bool same = true;
        for (std::size_t k = 0; k < idx.size(); ++k)
          if (k != k_ && idx[k] != cur_[k]) same = false;
        if (!same) continue;
        const std::int64_t x = idx[k_];
        if (met && (x < hi_ || (x == hi_ && !hi_ok_))) hi_ = x, hi_ok_ = true, feasible_ = true, changed = true;
        if (!met && x > lo_) {
          if (x >= hi_) {  // misses the targets at the top of the range: infeasible
            done_ = true;
            return;
          }
          lo_ = x, changed = true;
        }
      }
      if (lo_ >= hi_) lo_ = hi_ - 1;  // not monotone: keep the smallest value that met
      if (hi_ok_ && hi_ - lo_ <= 1) {
        cur_[k_] = hi_;
        if (++k_ == cur_.size()) {
          done_ = converged_ = true;
          return;
        }
        lo_ = -1, hi_ = cur_[k_];  // the current configuration met the targets
        continue;
      }
      if (!changed) break;
    }
    if (used_ >= budget_) done_ = true;
  }

  const Topology& t_;
  std::size_t index_;
  int budget_, used_ = 0;
  std::vector<std::int64_t> cur_;
  std::size_t k_ = 0;
  std::int64_t lo_ = -1, hi_ = 0;
  bool hi_ok_ = false, done_ = false, feasible_ = false, converged_ = false;
  std::map<std::vector<std::int64_t>, bool> cache_;
};

std::vector<std::int64_t> index_of(const Topology& t, const std::vector<std::int64_t>& values) {
  std::vector<std::int64_t> idx;
  for (std::size_t k = 0; k < values.size(); ++k) idx.push_back((values[k] - t.vary[k].min) / t.vary[k].step);
  return idx;
}

} // namespace

PlanResult search(const PlanSpec& spec, unsigned slots,
                  const std::function<std::vector<ojson>(const std::vector<Probe>&)>& run_probes) {
  PlanResult res;
  std::vector<Search> searches;
  for (std::size_t i = 0; i < spec.topologies.size(); ++i) searches.emplace_back(spec.topologies[i], i, spec.max_probes);
  for (;;) {
    std::vector<Probe> batch;
    std::size_t active = 0;
    for (auto& s : searches) active += s.done() ? 0 : 1;
    std::size_t seen = 0;
    for (auto& s : searches) {
      if (s.done()) {
        (void)s.propose(0);
        continue;
      }
      // Share the slots: each active topology gets slots / active, the first ones the rest.
      const unsigned share = std::max<unsigned>(1, static_cast<unsigned>(slots / std::max<std::size_t>(active, 1) +
                                                                         (seen < slots % std::max<std::size_t>(active, 1) ? 1 : 0)));
      ++seen;
      for (auto& p : s.propose(share)) batch.push_back(std::move(p));
    }
    if (batch.empty()) break;
    ++res.rounds;
    const auto summaries = run_probes(batch);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      ProbeOutcome o;
      o.probe = batch[i];
      o.summary = summaries[i];
      o.targets = evaluate(spec.targets, o.summary);
      o.met = std::all_of(o.targets.begin(), o.targets.end(), [](const TargetResult& r) { return r.met; });
      o.round = res.rounds;
      searches[o.probe.topology].report(index_of(spec.topologies[o.probe.topology], o.probe.values), o.met);
      res.probes.push_back(std::move(o));
    }
  }
  for (std::size_t i = 0; i < searches.size(); ++i) {
    TopologyResult tr;
    tr.name = spec.topologies[i].name;
    tr.feasible = searches[i].feasible();
    tr.converged = searches[i].converged();
    tr.probes = searches[i].used();
    if (tr.feasible) {
      const auto want = searches[i].values(searches[i].best());
      for (std::size_t p = 0; p < res.probes.size(); ++p)
        if (res.probes[p].probe.topology == i && res.probes[p].probe.values == want && res.probes[p].met) tr.best = p;
    }
    res.topologies.push_back(tr);
  }
  return res;
}

namespace {

double metric_or(const ojson& summary, const std::string& path, double fallback = 0) {
  return find_metric(summary, path).value_or(fallback);
}
double cluster_count(const ojson& summary, const char* key) {
  return summary.contains("cluster") && summary["cluster"].contains(key) ? summary["cluster"][key].get<double>() : 0;
}

} // namespace

ojson to_json(const PlanSpec& spec, const PlanResult& r, const std::string& scenario_name) {
  ojson j;
  j["scenario"] = scenario_name;
  ojson targets = ojson::array();
  for (const auto& t : spec.targets) targets.push_back(t.text);
  j["targets"] = targets;
  j["search"] = "per topology, variables minimised in order by parallel k-section (bisection at one probe per round)";
  ojson tops = ojson::array();
  std::optional<std::size_t> cheapest;
  for (std::size_t i = 0; i < r.topologies.size(); ++i) {
    const auto& tr = r.topologies[i];
    const Topology& top = spec.topologies[i];
    ojson t;
    t["name"] = tr.name;
    t["feasible"] = tr.feasible;
    t["converged"] = tr.converged;
    t["probes"] = tr.probes;
    if (tr.best) {
      const auto& o = r.probes[*tr.best];
      ojson values;
      for (std::size_t k = 0; k < top.vary.size(); ++k) values[top.vary[k].path] = o.probe.values[k];
      t["values"] = values;
      t["servers"] = cluster_count(o.summary, "nodes");
      t["gpus"] = cluster_count(o.summary, "gpus");
      t["usd_per_month"] = metric_or(o.summary, "usd_per_month");
      t["gpu_alloc_ratio"] = metric_or(o.summary, "gpu_alloc_ratio");
      t["gpu_busy_ratio"] = metric_or(o.summary, "gpu_busy_ratio");
      t["cpu_alloc_ratio"] = metric_or(o.summary, "cpu_alloc_ratio");
      ojson tv;
      for (std::size_t k = 0; k < spec.targets.size(); ++k)
        tv[spec.targets[k].text] = o.targets[k].value ? ojson(*o.targets[k].value) : ojson(nullptr);
      t["target_values"] = tv;
      if (!cheapest || metric_or(o.summary, "usd_per_month") <
                           metric_or(r.probes[*r.topologies[*cheapest].best].summary, "usd_per_month"))
        cheapest = i;
    } else {
      t["values"] = nullptr;
    }
    tops.push_back(t);
  }
  j["topologies"] = tops;
  j["cheapest"] = cheapest ? ojson(r.topologies[*cheapest].name) : ojson(nullptr);
  ojson probes = ojson::array();
  for (const auto& o : r.probes) {
    ojson p;
    p["topology"] = spec.topologies[o.probe.topology].name;
    p["round"] = o.round;
    ojson values;
    for (std::size_t k = 0; k < o.probe.values.size(); ++k)
      values[spec.topologies[o.probe.topology].vary[k].path] = o.probe.values[k];
    p["values"] = values;
    p["gpus"] = cluster_count(o.summary, "gpus");
    p["usd_per_month"] = metric_or(o.summary, "usd_per_month");
    p["met"] = o.met;
    probes.push_back(p);
  }
  j["probes"] = probes;
  return j;
}

std::string table(const PlanSpec& spec, const PlanResult& r) {
  std::ostringstream o;
  o << std::left << std::setw(14) << "topology" << std::right << std::setw(9) << "servers" << std::setw(7) << "GPUs"
    << std::setw(14) << "USD/month" << std::setw(11) << "GPU alloc" << std::setw(10) << "GPU busy" << std::setw(8)
    << "probes" << "  targets\n";
  for (const auto& tr : r.topologies) {
    o << std::left << std::setw(14) << tr.name << std::right;
    if (!tr.best) {
      o << std::setw(9) << "-" << std::setw(7) << "-" << std::setw(14) << "-" << std::setw(11) << "-" << std::setw(10)
        << "-" << std::setw(8) << tr.probes << "  not met at the largest sizes\n";
      continue;
    }
    const auto& p = r.probes[*tr.best];
    std::ostringstream pct1, pct2;
    pct1 << std::fixed << std::setprecision(1) << 100 * metric_or(p.summary, "gpu_alloc_ratio") << "%";
    pct2 << std::fixed << std::setprecision(1) << 100 * metric_or(p.summary, "gpu_busy_ratio") << "%";
    o << std::setw(9) << fmt(cluster_count(p.summary, "nodes")) << std::setw(7) << fmt(cluster_count(p.summary, "gpus"))
      << std::setw(14) << fmt(std::round(metric_or(p.summary, "usd_per_month"))) << std::setw(11) << pct1.str()
      << std::setw(10) << pct2.str() << std::setw(8) << tr.probes << "  met";
    std::string vals;
    for (std::size_t k = 0; k < spec.targets.size(); ++k)
      vals += (k ? ", " : " (") + spec.targets[k].metric + " " + (p.targets[k].value ? fmt(*p.targets[k].value) : "-");
    o << vals << (vals.empty() ? "" : ")") << (tr.converged ? "" : "; probe budget spent, may not be minimal") << "\n";
  }
  return o.str();
}

} // namespace fleetsim::plan
