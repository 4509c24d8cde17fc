// fleetsim compare RUN_OR_SCENARIO... : key metrics of several runs side by side.
#include <iostream>
#include <memory>
#include <set>

#include <unistd.h>

#include "sim/io/csv.hpp"
#include "sim/common/error.hpp"
#include "sim/study/html_report.hpp"
#include "sim/study/metric_paths.hpp"
#include "sim/io/outputs.hpp"
#include "sim/study/sweep.hpp"
#include "commands.hpp"
#include "sim/study/process_pool.hpp"
#include "sim/study/summary_table.hpp"

namespace fleetsim::cli {
namespace {

using ojson = nlohmann::ordered_json;

/// The metric rows: the selection, checked against what the runs hold.
std::vector<std::string> chosen_metrics(const std::string& selection, const std::vector<const ojson*>& summaries) {
  auto metrics = select_metrics(selection, summaries);
  std::vector<std::string> known;
  for (const ojson* s : summaries)
    for (const auto& [p, v] : flatten_metrics(*s)) known.push_back(p);
  for (const auto& m : metrics) {
    bool found = false;
    for (const ojson* s : summaries) found = found || find_metric(*s, m).has_value();
    if (!found) {
      const std::string near = csv::closest(m, known);
      throw InputError("--metrics: no run has a numeric metric \"" + m + "\"" +
                       (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
    }
  }
  return metrics;
}

std::string policy_of(const ojson& s, const char* key) {
  return s.contains("policy") && s["policy"].contains(key) ? s["policy"][key].get<std::string>() : "";
}
std::string seed_of(const ojson& s) { return s.contains("seed") ? s["seed"].dump() : ""; }

void print_text(std::ostream& os, const std::vector<LoadedRun>& runs, const std::vector<std::string>& metrics,
                bool md) {
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const std::string& name, auto get) {
    std::vector<std::string> r{name};
    for (const auto& x : runs) r.push_back(get(x));
    rows.push_back(std::move(r));
  };
  row("metric", [](const LoadedRun& r) { return r.label; });
  row("scenario", [](const LoadedRun& r) { return r.summary.value("scenario", ""); });
  row("queue", [](const LoadedRun& r) { return policy_of(r.summary, "queue"); });
  row("placement", [](const LoadedRun& r) { return policy_of(r.summary, "placement"); });
  row("seed", [](const LoadedRun& r) { return seed_of(r.summary); });
  for (const auto& m : metrics) {
    std::vector<std::optional<double>> v;
    for (const auto& r : runs) v.push_back(find_metric(r.summary, m));
    std::optional<double> best;
    std::set<double> distinct;
    const Direction d = metric_direction(m);
    for (const auto& x : v)
      if (x) {
        distinct.insert(*x);
        if (!best || (d == Direction::higher ? *x > *best : *x < *best)) best = *x;
      }
    const bool mark = md && runs.size() > 1 && d != Direction::none && distinct.size() > 1;
    std::vector<std::string> r{m};
    for (const auto& x : v) {
      std::string t = x ? format_metric(m, *x) : "-";
      if (mark && x && *x == *best) t = "**" + t + "**";
      r.push_back(t);
    }
    rows.push_back(std::move(r));
  }
  if (!md) {
    print_aligned(os, rows);
    return;
  }
  auto cell = [](std::string s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    os << "|";
    for (const auto& c : rows[i]) os << " " << cell(c) << " |";
    os << "\n";
    if (i == 0) {
      os << "|---|";
      for (std::size_t c = 1; c < rows[i].size(); ++c) os << "---:|";
      os << "\n";
    }
  }
}

void print_csv(std::ostream& os, const std::vector<LoadedRun>& runs, const std::vector<std::string>& metrics) {
  os << "label,source,scenario,mode,queue,placement,seed";
  for (const auto& m : metrics) os << "," << sweep::csv_field(m);
  os << "\n";
  for (const auto& r : runs) {
    os << sweep::csv_field(r.label) << "," << sweep::csv_field(r.arg) << ","
       << sweep::csv_field(r.summary.value("scenario", "")) << "," << sweep::csv_field(r.summary.value("mode", ""))
       << "," << sweep::csv_field(policy_of(r.summary, "queue")) << ","
       << sweep::csv_field(policy_of(r.summary, "placement")) << "," << seed_of(r.summary);
    for (const auto& m : metrics) {
      os << ",";
      if (auto v = find_metric(r.summary, m)) os << format_double(*v);
    }
    os << "\n";
  }
}

void print_json(std::ostream& os, const std::vector<LoadedRun>& runs, const std::vector<std::string>& metrics) {
  ojson j;
  j["metrics"] = metrics;
  ojson arr = ojson::array();
  for (const auto& r : runs) {
    ojson x;
    x["label"] = r.label;
    x["source"] = r.arg;
    x["scenario"] = r.summary.value("scenario", "");
    x["mode"] = r.summary.value("mode", "");
    x["policy"] = r.summary.contains("policy") ? r.summary["policy"] : ojson(nullptr);
    x["seed"] = r.summary.contains("seed") ? r.summary["seed"] : ojson(nullptr);
    ojson m = ojson::object();
    for (const auto& p : metrics) {
      const auto v = find_metric(r.summary, p);
      m[p] = v ? ojson(*v) : ojson(nullptr);
    }
    x["metrics"] = m;
    arr.push_back(x);
  }
  j["runs"] = arr;
  os << j.dump(2) << "\n";
}

}  // namespace

Command add_compare(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs, sets;
    std::string format = "text", metrics = "key", report, keep;
    unsigned jobs = 0;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "compare", "Key metrics of several runs side by side; scenario files are run, output folders are read");
  cmd->add_option("inputs", a->inputs, "Output folders (or their summary.json) and scenario files")->required();
  cmd->add_option("--set", a->sets, "Override a field of every scenario given: PATH=VALUE")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--format", a->format, "text (aligned, default), md, csv (one row per run) or json")
      ->check(CLI::IsMember({"text", "md", "csv", "json"}));
  cmd->add_option("--metrics", a->metrics,
                  "Rows: comma-separated metric paths, prefix.* , key (the default) or all, e.g. key,wait_s.*");
  cmd->add_option("--report", a->report, "Also write an HTML report with the charts of every run to this file")
      ->type_name("FILE");
  cmd->add_option("-o,--output", a->keep, "Keep the outputs of scenario runs in this folder (default: discarded)")
      ->type_name("DIR");
  cmd->add_option("-j,--jobs", a->jobs, "Scenario runs at a time (default: the number of processors)");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar");
  return {cmd, [a] {
            std::optional<TempDir> tmp;
            ResolveOptions ro;
            ro.sets = a->sets;
            if (a->keep.empty()) {
              tmp.emplace("fleetsim-compare");
              ro.work_dir = tmp->path();
            } else {
              ro.work_dir = a->keep;
            }
            ro.jobs = a->jobs ? a->jobs : default_jobs();
            ro.progress = !a->quiet && ::isatty(STDERR_FILENO);
            ro.read_timeseries = !a->report.empty();
            const auto runs = resolve_runs(a->inputs, ro);
            std::vector<const nlohmann::ordered_json*> summaries;
            for (const auto& r : runs) summaries.push_back(&r.summary);
            const auto metrics = chosen_metrics(a->metrics, summaries);
            if (a->format == "csv")
              print_csv(std::cout, runs, metrics);
            else if (a->format == "json")
              print_json(std::cout, runs, metrics);
            else
              print_text(std::cout, runs, metrics, a->format == "md");
            if (!a->report.empty()) {
              std::vector<report::RunData> data;
              for (const auto& r : runs) data.push_back({r.label, r.summary, r.timeseries_csv});
              std::string title = "compare:";
              for (std::size_t i = 0; i < runs.size(); ++i) title += (i ? " vs " : " ") + runs[i].label;
              write_file_atomic(a->report, report::runs_report(title, data, metrics));
              if (a->format == "text") std::cout << "\nreport: " << a->report << "\n";
            }
            return kExitOk;
          }};
}

}  // namespace fleetsim::cli
