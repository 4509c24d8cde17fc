// fleetsim: the command-line interface. Exit codes: 0 ok, 1 a check failed, 2 bad input or
// usage, 3 internal error.
#include <iostream>
#include <memory>

#include "sim/common/error.hpp"
#include "sim/io/input.hpp"
#include "commands.hpp"

using namespace fleetsim::cli;

int main(int argc, char** argv) {
  CLI::App app{"fleetsim: a discrete-event simulator of GPU-cluster utilization"};
  app.set_version_flag("--version", std::string("fleetsim ") + FLEETSIM_VERSION);
  app.require_subcommand(1);
  const std::vector<Command> commands = {add_run(app), add_validate(app), add_schema(app), add_policies(app),
                                         add_compare(app), add_sweep(app), add_check(app),
                                         add_plan(app), add_import(app)};
  // UTF-8 is checked once, here, for every argument (files are checked where they are read).
  for (int i = 1; i < argc; ++i)
    if (auto bad = fleetsim::input::find_bad_text(argv[i])) {
      std::cerr << "fleetsim: error: argument " << i << ": byte " << bad->first + 1 << ": " << bad->second << "\n";
      return kExitInput;
    }
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
    for (const auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const fleetsim::InputError& e) {
    std::cerr << "fleetsim: error: " << e.what() << "\n";
    return kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "fleetsim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitInternal;
}
