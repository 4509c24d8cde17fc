// fleetsim: the command-line interface. Exit codes: 0 ok, 1 a check failed, 2 bad input or
// usage, 3 internal error.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "policies/registry.hpp"
#include "sim/error.hpp"
#include "sim/report.hpp"
#include "sim/run.hpp"
#include "sim/scenario.hpp"
#include "sim/workload.hpp"

namespace {

constexpr int kExitOk = 0, kExitInput = 2, kExitInternal = 3;

struct Common {
  std::string scenario;
  std::vector<std::string> sets;
};

void add_scenario_args(CLI::App* cmd, Common& c) {
  cmd->add_option("scenario", c.scenario, "Scenario file (JSON)")->required();
  cmd->add_option("--set", c.sets, "Override a scenario field: PATH=VALUE, e.g. policy.placement=best-fit")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"fleetsim: a discrete-event simulator of GPU-cluster utilization"};
  app.set_version_flag("--version", std::string("fleetsim ") + FLEETSIM_VERSION);
  app.require_subcommand(1);

  Common run_args;
  std::string out_dir;
  bool verbose = false, quiet = false, timing = false;
  auto* run = app.add_subcommand("run", "Run a scenario, print its summary, write outputs with -o");
  add_scenario_args(run, run_args);
  run->add_option("-o,--output", out_dir, "Output folder for summary.json, jobs.csv, timeseries.csv");
  run->add_flag("-v,--verbose", verbose, "Turn on SimGrid's and fleetsim's logging");
  run->add_flag("-q,--quiet", quiet, "No progress bar");
  run->add_flag("--timing", timing, "Record wall-clock seconds in summary.json (outputs no longer byte-identical)");

  Common val_args;
  auto* validate = app.add_subcommand("validate", "Check a scenario and its workload without running it");
  add_scenario_args(validate, val_args);

  auto* schema = app.add_subcommand("schema", "Print the scenario JSON Schema");
  auto* pols = app.add_subcommand("policies", "List the queue and placement policies");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitInput;
  }

  try {
    if (*schema) {
      std::cout << fleetsim::scenario_schema().dump(2) << "\n";
      return kExitOk;
    }
    if (*pols) {
      std::cout << "queue policies:\n";
      for (const auto& [n, d] : fleetsim::policies::describe_queues()) std::printf("  %-16s %s\n", n.c_str(), d.c_str());
      std::cout << "placement policies:\n";
      for (const auto& [n, d] : fleetsim::policies::describe_placements())
        std::printf("  %-16s %s\n", n.c_str(), d.c_str());
      return kExitOk;
    }
    if (*validate) {
      const auto sc = fleetsim::load_scenario(val_args.scenario, val_args.sets);
      const auto in = fleetsim::load_inputs(sc);
      std::cout << val_args.scenario << ": ok (" << in.cluster.num_nodes() << " nodes, " << in.cluster.num_gpus()
                << " GPUs, " << in.jobs.size() << " jobs)\n";
      return kExitOk;
    }
    if (*run) {
      const auto sc = fleetsim::load_scenario(run_args.scenario, run_args.sets);
      fleetsim::RunOptions opt;
      opt.engine.verbose = verbose;
      opt.engine.progress = !quiet && ::isatty(STDERR_FILENO);
      opt.timing = timing;
      if (!out_dir.empty()) opt.output_dir = out_dir;
      const auto rep = fleetsim::run_scenario(sc, opt);
      fleetsim::print_summary_table(std::cout, rep.summary);
      if (!rep.written_to.empty()) std::cout << "  outputs               " << rep.written_to.string() << "/\n";
      return kExitOk;
    }
  } catch (const fleetsim::InputError& e) {
    std::cerr << "fleetsim: error: " << e.what() << "\n";
    return kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "fleetsim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitInternal;
}
