#pragma once
// Subcommands of the fleetsim CLI. Each lives in its own file and registers itself with
// add_<name>(app); main() parses, then calls the chosen command's run(). A command throws
// InputError for bad input (exit 2) and returns its exit code otherwise.
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace fleetsim::cli {

constexpr int kExitOk = 0, kExitCheckFailed = 1, kExitInput = 2, kExitInternal = 3;

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

/// @brief Adds `SCENARIO` and repeatable `--set PATH=VALUE` to a subcommand.
void add_scenario_args(CLI::App* cmd, std::string& scenario, std::vector<std::string>& sets);

Command add_run(CLI::App& app);
Command add_validate(CLI::App& app);
Command add_schema(CLI::App& app);
Command add_policies(CLI::App& app);
Command add_compare(CLI::App& app);
Command add_sweep(CLI::App& app);
Command add_check(CLI::App& app);
Command add_plan(CLI::App& app);
Command add_import(CLI::App& app);

} // namespace fleetsim::cli
