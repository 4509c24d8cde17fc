#include <chrono>

#include <sys/resource.h>

#include "sim/report.hpp"
#include "sim/run.hpp"
#include "sim/workload.hpp"

namespace fleetsim {

RunReport run_scenario(const Scenario& sc, const RunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  RunInputs in = load_inputs(sc);
  const auto out_dir = opt.output_dir ? *opt.output_dir : sc.outputs.dir;
  EngineOptions eo = opt.engine;
  eo.keep_series = !out_dir.empty() && sc.outputs.timeseries_csv;
  RunResult res = run_simulation(sc, in.cluster, in.jobs, eo);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  nlohmann::ordered_json s;
  s["scenario"] = sc.name;
  s["seed"] = sc.seed;
  s["topology"] = "static";
  nlohmann::ordered_json pol;
  pol["queue"] = sc.policy.queue;
  pol["placement"] = sc.policy.placement;
  pol["params"] = sc.policy.params;
  s["policy"] = pol;
  nlohmann::ordered_json cl;
  cl["nodes"] = in.cluster.num_nodes();
  cl["gpus"] = in.cluster.num_gpus();
  cl["cpu_milli"] = in.cluster.total_cpu_milli();
  cl["memory_mib"] = in.cluster.total_memory_mib();
  s["cluster"] = cl;
  s["metrics"] = res.metrics;
  nlohmann::ordered_json run;
  run["fleetsim_version"] = FLEETSIM_VERSION;
  run["simulated_end_s"] = res.end_s;
  run["event_instants"] = res.events;
  run["placement_calls"] = res.placement_calls;
  run["platform_hosts"] = res.platform.hosts;
  run["platform_links"] = res.platform.links;
  if (opt.timing) {
    run["wall_s"] = wall;
    run["platform_build_s"] = res.platform.build_s;
    struct rusage ru {};
    ::getrusage(RUSAGE_SELF, &ru);
    run["peak_rss_mib"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
  }
  s["run"] = run;

  RunReport rep;
  rep.wall_s = wall;
  if (!out_dir.empty()) {
    // Render everything first, then write: a failure while rendering leaves no file behind.
    const std::string summary = s.dump(2) + "\n";
    std::string jobs, series;
    if (sc.outputs.jobs_csv) jobs = jobs_csv(in.jobs, res.records, in.cluster);
    if (sc.outputs.timeseries_csv) series = timeseries_csv(res.series);
    if (sc.outputs.jobs_csv) write_file_atomic(out_dir / "jobs.csv", jobs);
    if (sc.outputs.timeseries_csv) write_file_atomic(out_dir / "timeseries.csv", series);
    write_file_atomic(out_dir / "summary.json", summary);
    rep.written_to = out_dir;
  }
  rep.summary = std::move(s);
  return rep;
}

} // namespace fleetsim
