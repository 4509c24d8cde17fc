// fleetsim check: a run (or scenario) against its baseline; --suite checks every scenario of a
// folder against the baselines beside them (what CI runs).
#include <algorithm>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "sim/study/baseline.hpp"
#include "sim/common/error.hpp"
#include "sim/io/outputs.hpp"
#include "sim/io/scenario.hpp"
#include "commands.hpp"
#include "sim/study/process_pool.hpp"
#include "sim/study/summary_table.hpp"

namespace fleetsim::cli {
namespace {

namespace fs = std::filesystem;

std::string summary_label(const LoadedRun& r) {
  return r.ran ? "the run of " + r.arg : (r.dir / "summary.json").string();
}

struct Outcome {
  std::size_t regressed = 0, improved = 0, ok = 0;
};

Outcome count(const std::vector<baseline::Row>& rows) {
  Outcome o;
  for (const auto& r : rows)
    (r.verdict == baseline::Verdict::regressed  ? o.regressed
     : r.verdict == baseline::Verdict::improved ? o.improved
                                                : o.ok)++;
  return o;
}

std::string tally(const Outcome& o, std::size_t n) {
  std::string s = std::to_string(n) + " metrics: ";
  if (o.regressed) s += std::to_string(o.regressed) + " regressed, ";
  if (o.improved) s += std::to_string(o.improved) + " improved, ";
  return s + std::to_string(o.ok) + " ok";
}

std::string create_hint(const std::string& scenario, const fs::path& baseline) {
  return "create it with: fleetsim check " + scenario + " --baseline " + baseline.string() + " --update-baseline";
}

/// Writes the refreshed baseline; returns how many values changed.
std::size_t write_updated(const fs::path& file, const std::optional<baseline::Baseline>& old, const LoadedRun& run,
                          const std::string& scenario) {
  const auto b = baseline::updated(old, run.summary, file.string(), summary_label(run), scenario);
  std::size_t changed = 0;
  if (old)
    for (std::size_t i = 0; i < b.entries.size(); ++i) changed += b.entries[i].value != old->entries[i].value;
  write_file_atomic(file, baseline::to_text(b));
  return old ? changed : b.entries.size();
}

int check_one(const std::string& input, const fs::path& baseline_file, const std::vector<std::string>& sets,
              bool update, unsigned jobs, bool progress) {
  std::optional<baseline::Baseline> old;
  std::error_code ec;
  if (!update || fs::exists(baseline_file, ec)) {
    if (!fs::exists(baseline_file, ec))
      throw InputError(baseline_file.string() + ": cannot open file; " + create_hint(input, baseline_file));
    old = baseline::read(baseline_file);
  }
  TempDir tmp("fleetsim-check");
  ResolveOptions ro;
  ro.sets = sets;
  ro.work_dir = tmp.path();
  ro.jobs = jobs;
  ro.progress = progress;
  const auto runs = resolve_runs({input}, ro);
  const LoadedRun& run = runs.front();
  if (update) {
    const std::size_t changed = write_updated(baseline_file, old, run, run.ran ? input : old ? old->scenario : "");
    std::cout << (old ? "updated " : "created ") << baseline_file.string() << " from " << input << " ("
              << (old ? std::to_string(changed) + " of " + std::to_string(old->entries.size()) + " values changed)"
                      : std::to_string(changed) + " metrics)")
              << "\n";
    return kExitOk;
  }
  const auto rows = baseline::check(*old, run.summary, baseline_file.string(), summary_label(run));
  const Outcome o = count(rows);
  std::cout << "check " << input << " against " << baseline_file.string() << ": " << (o.regressed ? "FAILED" : "ok")
            << " (" << tally(o, rows.size()) << ")\n"
            << baseline::render(rows);
  if (o.improved && !o.regressed)
    std::cout << "improved beyond tolerance: refresh the baseline with --update-baseline to keep the gain\n";
  return o.regressed ? kExitCheckFailed : kExitOk;
}

/// Scenario files of a suite folder: *.json, not schemas, sweeps or the baselines folder.
std::vector<fs::path> suite_scenarios(const fs::path& dir, const fs::path& baselines) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir.string() + ": not a folder");
  const fs::path skip = fs::weakly_canonical(baselines, ec);
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && fs::weakly_canonical(it->path(), ec) == skip) {
      it.disable_recursion_pending();
      continue;
    }
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file() || !name.ends_with(".json") || name.ends_with(".schema.json") ||
        name.ends_with(".sweep.json"))
      continue;
    out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

int check_suite(const fs::path& dir, const fs::path& baselines, bool slow, bool update, unsigned jobs, bool progress) {
  struct Item {
    fs::path scenario, baseline;
    std::string rel;
    bool skipped = false;
    std::optional<baseline::Baseline> old;
  };
  std::vector<Item> items;
  for (const auto& p : suite_scenarios(dir, baselines)) {
    Item it;
    it.scenario = p;
    it.rel = fs::relative(p, dir).generic_string();
    it.baseline = baselines / fs::relative(p, dir);
    const Scenario sc = load_scenario(p);
    if (sc.raw.contains("tags"))
      for (const auto& t : sc.raw["tags"]) it.skipped = it.skipped || (!slow && t == "slow");
    items.push_back(std::move(it));
  }
  if (items.empty()) throw InputError(dir.string() + ": no scenario files (*.json) in this folder");
  std::vector<std::string> inputs;
  std::vector<Item*> active;
  for (auto& it : items) {
    if (it.skipped) continue;
    std::error_code ec;
    if (fs::exists(it.baseline, ec))
      it.old = baseline::read(it.baseline);
    else if (!update)
      throw InputError(it.baseline.string() + ": cannot open file (no baseline for " + it.scenario.string() + "); " +
                       create_hint(it.scenario.string(), it.baseline));
    inputs.push_back(it.scenario.string());
    active.push_back(&it);
  }
  const std::size_t skipped = items.size() - active.size();
  std::cout << "check " << dir.string() << " against " << baselines.string() << ": " << active.size() << " scenarios"
            << (skipped ? " (" + std::to_string(skipped) + " tagged slow, skipped)" : std::string()) << "\n";
  TempDir tmp("fleetsim-check");
  ResolveOptions ro;
  ro.work_dir = tmp.path();
  ro.jobs = jobs;
  ro.progress = progress;
  const auto runs = resolve_runs(inputs, ro);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < active.size(); ++i) {
    Item& it = *active[i];
    if (update) {
      const std::size_t changed = write_updated(it.baseline, it.old, runs[i], it.scenario.string());
      std::cout << "  " << (it.old ? "updated  " : "created  ") << it.rel << "  ("
                << (it.old ? std::to_string(changed) + " values changed" : std::to_string(changed) + " metrics")
                << ")\n";
      continue;
    }
    const auto rows = baseline::check(*it.old, runs[i].summary, it.baseline.string(), summary_label(runs[i]));
    const Outcome o = count(rows);
    std::cout << "  " << (o.regressed ? "FAILED   " : "ok       ") << it.rel << "  (" << tally(o, rows.size()) << ")\n";
    if (o.regressed || o.improved) std::cout << baseline::render(rows);
    failed += o.regressed > 0;
  }
  for (const auto& it : items)
    if (it.skipped) std::cout << "  skipped  " << it.rel << "  (tagged slow; --slow runs it)\n";
  if (failed) std::cout << failed << " of " << active.size() << " scenarios regressed\n";
  return failed ? kExitCheckFailed : kExitOk;
}

}  // namespace

Command add_check(CLI::App& app) {
  struct Args {
    std::string input, baseline, suite, baselines;
    std::vector<std::string> sets;
    bool update = false, slow = false, quiet = false;
    unsigned jobs = 0;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "check", "Check a run against a baseline of expected metrics (exit 1 on a regression); --suite checks a folder");
  cmd->add_option("input", a->input, "Output folder (or its summary.json), or a scenario file to run");
  cmd->add_option("--baseline", a->baseline, "Baseline file: metrics with tolerances and the better direction")
      ->type_name("FILE");
  cmd->add_option("--set", a->sets, "Override a field of the scenario: PATH=VALUE")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
  cmd->add_flag("--update-baseline", a->update, "Rewrite the baseline with the current values (creates it if absent)");
  cmd->add_option("--suite", a->suite, "Check every scenario of this folder against its baseline")->type_name("DIR");
  cmd->add_option("--baselines", a->baselines, "Baselines of --suite, mirroring its files (default: DIR/baselines)")
      ->type_name("DIR");
  cmd->add_flag("--slow", a->slow, "With --suite: also run scenarios tagged \"slow\"");
  cmd->add_option("-j,--jobs", a->jobs, "Scenario runs at a time (default: the number of processors)");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar");
  return {cmd, [a] {
            const unsigned jobs = a->jobs ? a->jobs : default_jobs();
            const bool progress = !a->quiet && ::isatty(STDERR_FILENO);
            if (!a->suite.empty()) {
              if (!a->input.empty() || !a->baseline.empty() || !a->sets.empty())
                throw InputError("check: --suite takes no INPUT, --baseline or --set");
              const fs::path baselines =
                  a->baselines.empty() ? fs::path(a->suite) / "baselines" : fs::path(a->baselines);
              return check_suite(a->suite, baselines, a->slow, a->update, jobs, progress);
            }
            if (a->input.empty() || a->baseline.empty())
              throw InputError("check: give INPUT and --baseline FILE (or --suite DIR)");
            return check_one(a->input, a->baseline, a->sets, a->update, jobs, progress);
          }};
}

}  // namespace fleetsim::cli
