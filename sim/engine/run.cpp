// One scenario run end to end. Replay mode runs on the SimGrid engine; fill mode (the FGD
// paper's experiment: one pod at a time, no departures, no clock) is a plain placement loop.
#include <chrono>

#include <sys/resource.h>

#include "policies/registry.hpp"
#include "sim/io/cost_model.hpp"
#include "sim/measure/cost.hpp"
#include "sim/engine/fill.hpp"
#include "sim/io/outputs.hpp"
#include "sim/engine/run.hpp"
#include "sim/io/workload.hpp"

namespace fleetsim {
namespace {

nlohmann::ordered_json header(const Scenario& sc, const ClusterState& cluster) {
  nlohmann::ordered_json s;
  s["scenario"] = sc.name;
  s["seed"] = sc.seed;
  s["topology"] = sc.cluster.topology;
  s["mode"] = sc.workload.mode;
  nlohmann::ordered_json pol;
  pol["queue"] = sc.policy.queue;
  pol["placement"] = sc.policy.placement;
  pol["params"] = sc.policy.params;
  s["policy"] = pol;
  nlohmann::ordered_json cl;
  cl["nodes"] = cluster.num_nodes();
  cl["gpus"] = cluster.num_gpus();
  if (cluster.composable()) {
    cl["pooled_gpus"] = cluster.num_pool_gpus();
    cl["chassis"] = cluster.num_pools();
    cl["switches"] = cluster.num_switches();
  }
  cl["cpu_milli"] = cluster.total_cpu_milli();
  cl["memory_mib"] = cluster.total_memory_mib();
  s["cluster"] = cl;
  return s;
}

nlohmann::ordered_json fill_point(const FillPoint& p) {
  nlohmann::ordered_json j;
  j["arrived_pct"] = p.arrived_pct;
  j["gpu_alloc_pct"] = p.gpu_alloc_pct;
  j["frag_ratio_pct"] = p.frag_ratio_pct;
  j["frag_gpus"] = p.frag_gpus;
  return j;
}

std::string gpu_list(const Allocation& a) {
  std::string s;
  for (std::size_t g = 0; g < a.gpus.size(); ++g) s += (g ? ";" : "") + std::to_string(a.gpus[g].gpu);
  return s;
}

struct Files {
  std::string jobs, series;
};

/// Fill mode: summary metrics, and per-pod rows for jobs.csv and timeseries.csv.
nlohmann::ordered_json run_fill_mode(const Scenario& sc, RunInputs& in, const FragTarget& target, bool want_files,
                                     Files& files) {
  auto placement = policies::make_placement(
      sc.policy.placement, {sc.policy.params, sc.seed, std::make_shared<const FragTarget>(target)});
  FillOptions fo;
  fo.ratio = sc.workload.fill.ratio;
  fo.seed = sc.seed;
  fo.shuffle = sc.workload.fill.shuffle;
  if (want_files) {
    files.jobs = "index,id,kind,status,node,gpus,gpu_milli,cpu_milli,memory_mib\n";
    files.series = "index,arrived_gpu_milli,gpu_alloc_milli,frag_gpus,frag_ratio\n";
  }
  auto on_event = [&](const FillEvent& e) {
    if (!want_files) return;
    const Job& j = *e.job;
    files.jobs += std::to_string(e.index) + ',' + j.id + ',' + std::string(to_string(j.kind)) + ',' +
                  (e.alloc ? "placed" : (e.never_fits ? "unplaceable" : "failed")) + ',' +
                  (e.alloc ? in.cluster.node(e.alloc->node).name : std::string()) + ',' +
                  (e.alloc ? gpu_list(*e.alloc) : std::string()) + ',' + std::to_string(j.req.gpu_milli) + ',' +
                  std::to_string(j.req.cpu_milli) + ',' + std::to_string(j.req.memory_mib) + '\n';
    files.series += std::to_string(e.index) + ',' + std::to_string(e.arrived_gpu_milli) + ',' +
                    std::to_string(e.alloc_gpu_milli) + ',' + format_fixed(e.frag_milli / 1000.0, 3) + ',' +
                    format_fixed(e.frag_ratio, 6) + '\n';
  };
  const FillResult r = run_fill(in.cluster, in.jobs, *placement, target, fo, on_event);
  in.cluster.check_invariants();

  nlohmann::ordered_json m;
  m["gpu_alloc_ratio"] = r.capacity_gpu_milli ? double(r.alloc_gpu_milli) / double(r.capacity_gpu_milli) : 0.0;
  m["cpu_alloc_ratio"] = in.cluster.total_cpu_milli() ? double(in.cluster.alloc_cpu_milli()) / double(in.cluster.total_cpu_milli()) : 0.0;
  m["mem_alloc_ratio"] = in.cluster.total_memory_mib() ? double(in.cluster.alloc_memory_mib()) / double(in.cluster.total_memory_mib()) : 0.0;
  m["frag_ratio"] = r.frag_ratio;
  m["frag_gpus"] = r.frag_gpus;
  nlohmann::ordered_json f;
  if (r.at_100) {
    f = fill_point(*r.at_100);
  } else {
    f["arrived_pct"] = nullptr;  // the workload never reached 100% of capacity
  }
  f["failed_pods"] = r.failed_by_100;
  f["pods"] = r.pods;
  f["sampled_pods"] = r.sampled;
  f["failed_pods_total"] = r.failed;
  f["never_fit_pods"] = r.never_fit;
  f["ratio"] = fo.ratio;
  m["fill"] = f;
  nlohmann::ordered_json curve = nlohmann::ordered_json::array();
  for (const auto& p : r.curve) curve.push_back(fill_point(p));
  m["fill_curve"] = curve;
  return m;
}

} // namespace

RunReport run_scenario(const Scenario& sc, const RunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  RunInputs in = load_inputs(sc);
  const auto out_dir = opt.output_dir ? *opt.output_dir : sc.outputs.dir;
  auto target = std::make_shared<const FragTarget>(fragmentation_target(sc, in));
  nlohmann::ordered_json s = header(sc, in.cluster);
  nlohmann::ordered_json run;
  run["fleetsim_version"] = FLEETSIM_VERSION;
  Files files;
  double platform_build_s = 0;

  if (sc.workload.mode == "fill") {
    s["metrics"] = run_fill_mode(sc, in, *target, !out_dir.empty(), files);
    run["engine"] = "placement loop (fill mode has no clock)";
  } else {
    EngineOptions eo = opt.engine;
    eo.keep_series = !out_dir.empty() && sc.outputs.timeseries_csv;
    eo.mig = &in.mig;
    cost::Tariff tariff;
    cost::Usage usage = cost::inventory(sc, in.cluster, in.models, tariff);  // input errors before the run
    RunResult res = run_simulation(sc, in.cluster, in.jobs, eo, target);
    s["metrics"] = res.metrics;
    cost::add_run_usage(usage, in.cluster, in.jobs, res.records, res.metrics["window_s"].get<double>(),
                        res.metrics.contains("window") ? res.metrics["window"]["start_s"].get<double>() : 0.0);
    const auto cost_metrics = cost::to_json(cost::compute(tariff, usage));
    for (const auto& [k, v] : cost_metrics.items()) s["metrics"][k] = v;
    run["engine"] = "simgrid";
    run["simulated_end_s"] = res.end_s;
    run["event_instants"] = res.events;
    run["transfers"] = res.flows;
    run["placement_calls"] = res.placement_calls;
    run["platform_hosts"] = res.platform.hosts;
    run["platform_links"] = res.platform.links;
    platform_build_s = res.platform.build_s;
    if (!out_dir.empty()) {
      // Render everything before writing anything: a failure leaves no file behind.
      if (sc.outputs.jobs_csv) files.jobs = jobs_csv(in.jobs, res.records, in.cluster);
      if (sc.outputs.timeseries_csv) files.series = timeseries_csv(res.series, in.cluster.num_gpus() > 0);
    }
  }
  run["fragmentation_target_shapes"] = target->shapes().size();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (opt.timing) {
    run["wall_s"] = wall;
    if (sc.workload.mode != "fill") run["platform_build_s"] = platform_build_s;
    struct rusage ru {};
    ::getrusage(RUSAGE_SELF, &ru);
    run["peak_rss_mib"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
  }
  s["run"] = run;

  RunReport rep;
  rep.wall_s = wall;
  if (!out_dir.empty()) {
    const std::string summary = s.dump(2) + "\n";
    if (sc.outputs.jobs_csv) write_file_atomic(out_dir / "jobs.csv", files.jobs);
    if (sc.outputs.timeseries_csv) write_file_atomic(out_dir / "timeseries.csv", files.series);
    write_file_atomic(out_dir / "summary.json", summary);
    rep.written_to = out_dir;
  }
  rep.summary = std::move(s);
  return rep;
}

} // namespace fleetsim
