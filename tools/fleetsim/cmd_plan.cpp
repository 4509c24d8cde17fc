// fleetsim plan SCENARIO: the cheapest cluster of each listed topology that meets the plan's
// targets. Each probe is a `fleetsim run` child process; a round's probes run in parallel.
#include <chrono>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "sim/common/error.hpp"
#include "sim/study/plan.hpp"
#include "sim/io/input.hpp"
#include "sim/io/outputs.hpp"
#include "commands.hpp"
#include "sim/study/process_pool.hpp"
#include "sim/study/summary_table.hpp"

namespace fleetsim::cli {

Command add_plan(CLI::App& app) {
  struct Args {
    std::string scenario, out_dir;
    std::vector<std::string> sets;
    unsigned jobs = 0;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("plan", "Find the cheapest cluster of each topology in the scenario's plan that "
                                         "meets its targets (each probe a full run, in parallel processes)");
  add_scenario_args(cmd, a->scenario, a->sets);
  cmd->add_option("-o,--output", a->out_dir, "Output folder for plan.json and the probes' runs (default out/plan/<name>)");
  cmd->add_option("-j,--jobs", a->jobs, "Probes run at once (default: the processors available)");
  cmd->add_flag("-q,--quiet", a->quiet, "Print only the table");
  return {cmd, [a] {
            namespace fs = std::filesystem;
            const auto t0 = std::chrono::steady_clock::now();
            const Scenario sc = load_scenario(a->scenario, a->sets);
            const plan::PlanSpec spec = plan::plan_from_scenario(sc, a->sets);
            const fs::path out = a->out_dir.empty() ? fs::path("out/plan") / sc.name : fs::path(a->out_dir);
            const fs::path probes_dir = out / "probes";
            // What this plan creates (the topmost folder of out/probes that did not exist) is
            // removed again when it fails, so a failed plan leaves nothing behind.
            std::error_code ec;
            fs::path created;
            for (fs::path p = probes_dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
              created = p;
              if (p == p.parent_path()) break;
            }
            fs::create_directories(probes_dir);
            struct Cleanup {
              fs::path dir;
              bool armed = true;
              ~Cleanup() {
                std::error_code e;
                if (armed && !dir.empty()) fs::remove_all(dir, e);
              }
            } cleanup{created, true};
            const unsigned slots = a->jobs ? a->jobs : default_jobs();
            const std::string scenario_abs = fs::absolute(a->scenario).string();
            int counter = 0;
            auto run_probes = [&](const std::vector<plan::Probe>& batch) {
              std::vector<ChildJob> jobs;
              std::vector<fs::path> dirs;
              for (const auto& p : batch) {
                const fs::path dir = probes_dir / std::to_string(++counter);
                fs::create_directories(dir);
                ChildJob job;
                job.args = {"run", scenario_abs, "-o", dir.string(), "--quiet", "--no-report"};
                for (const auto& s : a->sets) job.args.insert(job.args.end(), {"--set", s});
                for (const auto& s : p.overrides) job.args.insert(job.args.end(), {"--set", s});
                job.args.insert(job.args.end(), {"--set", "outputs.jobs_csv=false", "--set", "outputs.timeseries_csv=false"});
                job.log = dir / "run.log";
                jobs.push_back(std::move(job));
                dirs.push_back(dir);
                if (!a->quiet) std::cerr << "probe " << counter << ": " << p.label << "\n";
              }
              PoolOptions po;
              po.jobs = slots;
              const auto res = run_children(jobs, po);
              if (res.interrupted) throw InputError("interrupted");
              std::vector<nlohmann::ordered_json> out_summaries;
              for (std::size_t k = 0; k < jobs.size(); ++k) {
                const int code = res.exit_codes[k];
                if (code == 0 || code == -1) continue;
                // The last line of the probe's log, on one line ("fleetsim: error: ...").
                std::string last = tail_of(jobs[k].log, 1);
                while (!last.empty() && (last.back() == '\n' || last.back() == '\r')) last.pop_back();
                if (last.starts_with("fleetsim: ")) last = last.substr(10);
                if (code == kExitInput)  // plan_from_scenario checked both ends: should not happen
                  throw InputError("probe " + batch[k].label + ": " + (last.empty() ? "bad input" : last));
                throw std::runtime_error("probe " + batch[k].label +
                                         (code > 128 ? " crashed (signal " + std::to_string(code - 128) + ")"
                                                     : " exited with code " + std::to_string(code)) +
                                         (last.empty() ? std::string() : ": " + last));
              }
              for (std::size_t k = 0; k < jobs.size(); ++k)
                out_summaries.push_back(input::read_json_file(dirs[k] / "summary.json"));
              return out_summaries;
            };
            const plan::PlanResult r = plan::search(spec, slots, run_probes);
            const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            write_file_atomic(out / "plan.json", plan::to_json(spec, r, sc.name).dump(2) + "\n");
            cleanup.armed = false;
            if (!a->quiet) {
              std::cout << "plan " << sc.name << "  (targets:";
              for (const auto& t : spec.targets) std::cout << " " << t.text << ";";
              std::cout << " " << r.probes.size() << " probes in " << r.rounds << " rounds, " << slots
                        << " at a time, " << std::fixed;
              std::cout.precision(1);
              std::cout << wall << " s)\n";
            }
            std::cout << plan::table(spec, r);
            if (!a->quiet) std::cout << "  written               " << (out / "plan.json").string() << "\n";
            return kExitOk;
          }};
}

} // namespace fleetsim::cli
