// fleetsim run | validate | schema | policies
#include <cstdio>
#include <fstream>
#include <iostream>

#include <unistd.h>

#include "policies/registry.hpp"
#include "sim/study/html_report.hpp"
#include "sim/study/plan.hpp"
#include "sim/study/metric_paths.hpp"
#include "sim/io/outputs.hpp"
#include "sim/engine/run.hpp"
#include "sim/io/scenario.hpp"
#include "sim/io/workload.hpp"
#include "commands.hpp"

namespace fleetsim::cli {

void add_scenario_args(CLI::App* cmd, std::string& scenario, std::vector<std::string>& sets) {
  cmd->add_option("scenario", scenario, "Scenario file (JSON)")->required();
  cmd->add_option("--set", sets, "Override a scenario field: PATH=VALUE, e.g. policy.placement=best-fit")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
}

namespace {
/// report.html beside the run's other outputs (charts from its timeseries.csv when written).
void write_run_report(const std::filesystem::path& dir, const std::string& name, const nlohmann::ordered_json& summary) {
  std::string series;
  if (std::ifstream in(dir / "timeseries.csv", std::ios::binary); in)
    series.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  write_file_atomic(dir / "report.html", report::runs_report(name, {{name, summary, std::move(series)}}, key_metrics({&summary})));
}
} // namespace

Command add_run(CLI::App& app) {
  struct Args {
    std::string scenario, out_dir;
    std::vector<std::string> sets;
    bool verbose = false, quiet = false, timing = false, no_report = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("run", "Run a scenario, print its summary, write outputs with -o");
  add_scenario_args(cmd, a->scenario, a->sets);
  cmd->add_option("-o,--output", a->out_dir, "Output folder for summary.json, jobs.csv, timeseries.csv");
  cmd->add_flag("-v,--verbose", a->verbose, "Turn on SimGrid's and fleetsim's logging");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar");
  cmd->add_flag("--no-report", a->no_report, "Do not write report.html into the output folder");
  cmd->add_flag("--timing", a->timing, "Record wall-clock seconds in summary.json (outputs no longer byte-identical)");
  return {cmd, [a] {
            const auto sc = load_scenario(a->scenario, a->sets);
            RunOptions opt;
            opt.engine.verbose = a->verbose;
            opt.engine.progress = !a->quiet && ::isatty(STDERR_FILENO);
            opt.timing = a->timing;
            if (!a->out_dir.empty()) opt.output_dir = a->out_dir;
            const auto rep = run_scenario(sc, opt);
            if (!rep.written_to.empty() && !a->no_report && sc.raw.value(nlohmann::json::json_pointer("/outputs/report_html"), true))
              write_run_report(rep.written_to, sc.name, rep.summary);
            print_summary_table(std::cout, rep.summary);
            if (!rep.written_to.empty()) std::cout << "  outputs               " << rep.written_to.string() << "/\n";
            return kExitOk;
          }};
}

Command add_validate(CLI::App& app) {
  struct Args {
    std::string scenario;
    std::vector<std::string> sets;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("validate", "Check a scenario and its workload without running it");
  add_scenario_args(cmd, a->scenario, a->sets);
  return {cmd, [a] {
            const auto sc = load_scenario(a->scenario, a->sets);
            const auto in = load_inputs(sc);
            if (sc.raw.contains("plan")) (void)plan::plan_from_scenario(sc, a->sets);  // every topology, both ends
            std::cout << a->scenario << ": ok (" << in.cluster.num_nodes() << " nodes, " << in.cluster.num_gpus()
                      << " GPUs, " << in.jobs.size() << " jobs)\n";
            return kExitOk;
          }};
}

Command add_schema(CLI::App& app) {
  auto* cmd = app.add_subcommand("schema", "Print the scenario JSON Schema");
  return {cmd, [] {
            std::cout << scenario_schema().dump(2) << "\n";
            return kExitOk;
          }};
}

Command add_policies(CLI::App& app) {
  auto* cmd = app.add_subcommand("policies", "List the queue and placement policies");
  return {cmd, [] {
            std::cout << "queue policies:\n";
            for (const auto& [n, d] : policies::describe_queues()) std::printf("  %-16s %s\n", n.c_str(), d.c_str());
            std::cout << "placement policies:\n";
            for (const auto& [n, d] : policies::describe_placements())
              std::printf("  %-16s %s\n", n.c_str(), d.c_str());
            return kExitOk;
          }};
}

} // namespace fleetsim::cli
