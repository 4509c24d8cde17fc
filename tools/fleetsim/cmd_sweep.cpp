// fleetsim sweep: a grid of runs as parallel processes (resumable), on Slurm (--emit slurm,
// --collect), and one run of a plan (--task: what each process and array task executes).
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "sim/common/error.hpp"
#include "sim/study/html_report.hpp"
#include "sim/study/metric_paths.hpp"
#include "sim/io/outputs.hpp"
#include "sim/engine/run.hpp"
#include "sim/study/sweep.hpp"
#include "commands.hpp"
#include "sim/io/input.hpp"
#include "sim/study/process_pool.hpp"
#include "sim/study/summary_table.hpp"

namespace fleetsim::cli {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string fixed(double v, int d) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", d, v);
  return b;
}

/// Reads the finished runs; the unfinished are listed in `missing`.
std::vector<sweep::RunSummary> finished_runs(const sweep::Plan& plan, std::vector<const sweep::Point*>& missing) {
  std::vector<sweep::RunSummary> runs;
  for (const auto& p : plan.points) {
    if (!sweep::point_done(plan, p)) {
      missing.push_back(&p);
      continue;
    }
    const fs::path file = plan.output / p.dir / "summary.json";
    ojson s;
    try {
      s = input::read_json_file(file);
      check_summary(s, input::shown(file));
    } catch (const InputError&) {  // unreadable or malformed: the point runs again
      missing.push_back(&p);
      continue;
    }
    if (!s.is_object()) {
      missing.push_back(&p);
      continue;
    }
    runs.push_back({&p, std::move(s)});
  }
  return runs;
}

/// Aggregates, writes results.json, results.csv, runs.csv and report.html, prints the table.
int collect(const sweep::Plan& plan, bool partial, const std::string& metric_selection) {
  std::vector<const sweep::Point*> missing;
  const auto runs = finished_runs(plan, missing);
  if (!missing.empty() && (!partial || runs.empty())) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 5; ++i) list += "\n  " + missing[i]->dir;
    if (missing.size() > 5) list += "\n  ...";
    throw InputError(plan.output.string() + ": " + std::to_string(missing.size()) + " of " +
                     std::to_string(plan.points.size()) + " runs are missing or unfinished" +
                     (partial ? "" : " (--partial aggregates the finished ones)") + ":" + list);
  }
  const ojson results = sweep::aggregate(plan, runs);
  std::vector<const ojson*> summaries;
  for (const auto& r : runs) summaries.push_back(&r.summary);
  auto metrics = select_metrics(metric_selection.empty() ? plan.metrics : metric_selection, summaries);
  std::erase_if(metrics, [&](const std::string& m) {
    for (const ojson* s : summaries)
      if (find_metric(*s, m)) return false;
    std::cerr << "fleetsim: warning: no run has metric \"" << m << "\"\n";
    return true;
  });
  write_file_atomic(plan.output / "results.json", results.dump(2) + "\n");
  write_file_atomic(plan.output / "results.csv", sweep::results_csv(plan, results));
  write_file_atomic(plan.output / "runs.csv", sweep::runs_csv(plan, runs));
  write_file_atomic(plan.output / "report.html", report::sweep_report(plan, results, runs, metrics));

  // Grid points as columns when there are fewer of them than metrics, else as rows.
  const auto& groups = results["groups"];
  auto cell = [&](const ojson& g, const std::string& m) -> std::string {
    if (!g["metrics"].contains(m)) return "-";
    const auto& a = g["metrics"][m];
    if (!a["ci95_high"].is_number()) return format_metric(m, a["mean"].get<double>());
    return format_metric_pm(m, a["mean"].get<double>(),
                            (a["ci95_high"].get<double>() - a["ci95_low"].get<double>()) / 2);
  };
  std::vector<std::vector<std::string>> rows;
  if (groups.size() <= metrics.size()) {
    std::vector<std::string> head{"metric"}, n{"runs"};
    for (const auto& g : groups) {
      head.push_back(g["label"].get<std::string>());
      n.push_back(std::to_string(g["n"].get<std::size_t>()));
    }
    rows.push_back(head);
    rows.push_back(n);
    for (const auto& m : metrics) {
      std::vector<std::string> r{m};
      for (const auto& g : groups) r.push_back(cell(g, m));
      rows.push_back(std::move(r));
    }
  } else {
    std::vector<std::string> head{"grid point", "runs"};
    head.insert(head.end(), metrics.begin(), metrics.end());
    rows.push_back(head);
    for (const auto& g : groups) {
      std::vector<std::string> r{g["label"].get<std::string>(), std::to_string(g["n"].get<std::size_t>())};
      for (const auto& m : metrics) r.push_back(cell(g, m));
      rows.push_back(std::move(r));
    }
  }
  std::cout << "\n";
  print_aligned(std::cout, rows, 2);
  if (!plan.replicate.empty()) std::cout << "  (mean \u00b1 95% confidence half-width over " << plan.replicate << ")\n";
  if (!missing.empty()) std::cout << "  partial: " << missing.size() << " unfinished runs left out\n";
  const std::string out = plan.output.string();
  std::cout << "\nresults: " << out << "/results.csv, results.json, runs.csv, report.html\n";
  return kExitOk;
}

/// One grid point, in this process: what each child and each Slurm array task runs.
int run_task(const fs::path& dir, long index) {
  const sweep::Plan plan = sweep::read_plan(dir);
  if (index < 0 || static_cast<std::size_t>(index) >= plan.points.size())
    throw InputError("--task " + std::to_string(index) + ": expected 0 to " + std::to_string(plan.points.size() - 1) +
                     " (" + (dir / "plan.json").string() + " has " + std::to_string(plan.points.size()) + " runs)");
  const sweep::Point& p = plan.points[static_cast<std::size_t>(index)];
  if (sweep::point_done(plan, p)) {
    std::cout << "run " << index << " (" << plan.describe(p) << ") already finished\n";
    return kExitOk;
  }
  const Scenario sc = load_scenario(plan.scenario, plan.overrides(p));
  if (sweep::scenario_hash(sc) != p.hash)
    throw InputError(plan.scenario.string() + ": the scenario or its input files changed since " +
                     (dir / "plan.json").string() + " was written; run the sweep again to re-plan");
  RunOptions opt;
  opt.output_dir = plan.output / p.dir;
  const auto rep = run_scenario(sc, opt);
  write_file_atomic(plan.output / p.dir / sweep::kPointFile, sweep::point_marker(plan, p).dump(2) + "\n");
  std::cout << "run " << index << " (" << plan.describe(p) << ")\n";
  print_summary_table(std::cout, rep.summary);
  return kExitOk;
}

}  // namespace

Command add_sweep(CLI::App& app) {
  struct Args {
    std::string sweep, output, emit, collect, task_dir, metrics;
    std::vector<std::string> sbatch;
    long task = -1;
    unsigned jobs = 0;
    bool keep_going = false, dry_run = false, force = false, partial = false, quiet = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("sweep", "Run a grid of scenario variants in parallel and aggregate them over seeds");
  cmd->add_option("sweep", a->sweep, "Sweep file (JSON): base scenario, grid of --set paths to value lists");
  cmd->add_option("-o,--output", a->output, "Output folder (default: the sweep file's \"output\", else out/<name>)")
      ->type_name("DIR");
  cmd->add_option("-j,--jobs", a->jobs, "Runs at a time (default: the number of processors)");
  cmd->add_flag("-k,--keep-going", a->keep_going, "Keep running after a run fails (default: stop launching)");
  cmd->add_flag("--force", a->force, "Run every point again, even the finished ones");
  cmd->add_flag("--dry-run", a->dry_run, "Check the sweep and list its runs; run nothing");
  cmd->add_option("--metrics", a->metrics, "Metrics of the table and charts: paths, prefix.*, key, all");
  cmd->add_option("--emit", a->emit, "Write a job script instead of running: slurm (a job array, one run per task)")
      ->check(CLI::IsMember({"slurm"}));
  cmd->add_option("--sbatch", a->sbatch, "With --emit slurm: an extra #SBATCH line, e.g. --sbatch=--partition=cpu")
      ->type_name("OPTION")
      ->allow_extra_args(false);
  cmd->add_option("--collect", a->collect, "Aggregate the finished runs of a sweep folder (after Slurm)")
      ->type_name("DIR");
  cmd->add_flag("--partial", a->partial, "With --collect: aggregate even when some runs are unfinished");
  cmd->add_option("--task", a->task, "Run one point of a planned sweep (what array tasks run); needs --dir")
      ->type_name("N");
  cmd->add_option("--dir", a->task_dir, "The sweep folder of --task")->type_name("DIR");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar");
  return {cmd, [a] {
            if (a->task >= 0 || !a->task_dir.empty()) {
              if (a->task < 0 || a->task_dir.empty())
                throw InputError("sweep: --task N needs --dir DIR (and vice versa)");
              return run_task(a->task_dir, a->task);
            }
            if (!a->collect.empty()) {
              if (!a->sweep.empty()) throw InputError("sweep: --collect DIR takes no sweep file");
              return collect(sweep::read_plan(a->collect), a->partial, a->metrics);
            }
            if (a->sweep.empty()) throw InputError("sweep: give a sweep file (or --collect DIR)");
            const auto t0 = std::chrono::steady_clock::now();
            std::optional<fs::path> out;
            if (!a->output.empty()) out = a->output;
            sweep::Plan plan = sweep::load_sweep(a->sweep, out);
            std::vector<std::size_t> todo;
            for (const auto& p : plan.points)
              if (a->force || !sweep::point_done(plan, p)) todo.push_back(p.index);
            std::string grid;
            for (const auto& ax : plan.axes) grid += (grid.empty() ? "" : " x ") + std::to_string(ax.values.size());
            std::cout << "sweep " << plan.name << ": " << plan.points.size() << " runs (" << grid << ") of "
                      << fs::relative(plan.scenario).string() << " -> " << plan.output.string() << "/\n";
            if (a->dry_run) {
              std::vector<std::vector<std::string>> rows{{"run", "state", "folder", "overrides"}};
              std::size_t k = 0;
              for (const auto& p : plan.points) {
                const bool run = k < todo.size() && todo[k] == p.index;
                k += run;
                rows.push_back({std::to_string(p.index), run ? "to run" : "finished", p.dir, plan.describe(p)});
              }
              print_aligned(std::cout, rows, 2);
              std::cout << "  " << todo.size() << " to run, " << plan.points.size() - todo.size() << " finished\n";
              return kExitOk;
            }
            fs::create_directories(plan.output);
            write_file_atomic(plan.output / "plan.json", sweep::plan_to_json(plan).dump(2) + "\n");
            if (a->force)
              for (const auto i : todo) fs::remove(plan.output / plan.points[i].dir / sweep::kPointFile);

            if (a->emit == "slurm") {
              const fs::path script = plan.output / "sweep.sbatch";
              fs::create_directories(plan.output / "slurm");
              if (todo.empty()) {
                std::cout << "  every run is finished; collect with: fleetsim sweep --collect " << plan.output.string()
                          << "\n";
                return kExitOk;
              }
              write_file_atomic(script, sweep::slurm_script(plan, todo, self_exe(), a->sbatch));
              fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                              fs::perm_options::add);
              std::cout << "  wrote " << script.string() << ": a job array of " << todo.size() << " tasks ("
                        << plan.points.size() - todo.size() << " runs already finished)\n"
                        << "  submit:  sbatch " << script.string() << "\n"
                        << "  then:    fleetsim sweep --collect " << plan.output.string() << "\n";
              if (todo.back() > 1000)
                std::cout << "  note: array indices above 1000 need MaxArraySize > " << todo.back()
                          << " in slurm.conf\n";
              return kExitOk;
            }

            const unsigned jobs = a->jobs ? a->jobs : default_jobs();
            std::cout << "  " << todo.size() << " to run, " << plan.points.size() - todo.size()
                      << " already finished (skipped), " << jobs << " at a time\n";
            std::vector<ChildJob> children;
            const std::string dir = plan.output.string();
            for (const auto i : todo) {
              const auto& p = plan.points[i];
              fs::create_directories(plan.output / p.dir);
              children.push_back(
                  {{"sweep", "--task", std::to_string(i), "--dir", dir, "--quiet"}, plan.output / p.dir / "run.log"});
            }
            PoolOptions po;
            po.jobs = jobs;
            po.progress = !a->quiet && ::isatty(STDERR_FILENO);
            po.keep_going = a->keep_going;
            const auto t_run = std::chrono::steady_clock::now();
            const auto res = run_children(children, po);
            const double run_s = seconds_since(t_run);
            if (res.interrupted) {
              std::size_t done = 0;
              for (const int code : res.exit_codes) done += code == 0;
              std::cerr << "fleetsim: interrupted after " << done << " of " << children.size()
                        << " runs; finished runs are kept: run the same command again to resume\n";
              return 130;
            }
            std::size_t failed = 0, not_started = 0;
            int worst = 0;
            for (std::size_t k = 0; k < children.size(); ++k) {
              const int code = res.exit_codes[k];
              if (code < 0) {
                ++not_started;
                continue;
              }
              if (code == 0) continue;
              ++failed;
              worst = std::max(worst, code);
              if (failed <= 3)
                std::cerr << "fleetsim: error: run " << todo[k] << " (" << plan.describe(plan.points[todo[k]])
                          << ") failed (exit " << code << "); " << children[k].log.string() << " ends with:\n"
                          << tail_of(children[k].log, 6) << "\n";
            }
            std::cout << "  ran " << children.size() - failed - not_started << " runs in " << fixed(run_s, 1) << " s";
            if (!children.empty())
              std::cout << " (" << fixed(run_s * jobs / double(children.size()), 3) << " s per run per process)";
            std::cout << "; sweep total " << fixed(seconds_since(t0), 1) << " s\n";
            if (failed) {
              std::cerr << "fleetsim: " << failed << " of " << children.size() << " runs failed"
                        << (not_started ? " (" + std::to_string(not_started) + " not started)" : std::string()) << "\n";
              if (!a->keep_going) return worst == kExitInput ? kExitInput : kExitInternal;
            }
            const int rc = collect(plan, failed > 0, a->metrics);
            return failed ? (worst == kExitInput ? kExitInput : kExitInternal) : rc;
          }};
}

}  // namespace fleetsim::cli
