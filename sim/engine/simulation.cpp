// run_simulation(): the wiring of one run. Builds the scenario's policies, sets up SimGrid's
// engine and the platform, the scheduler, the observers and the driver (driver.hpp), runs the
// engine, checks every job is accounted for and computes the run's metrics.
#include "sim/engine/simulation.hpp"

#include <chrono>
#include <limits>
#include <stdexcept>

#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include "policies/registry.hpp"
#include "policies/scoring.hpp"
#include "sim/sched/gang.hpp"
#include "sim/work/pipeline_runner.hpp"
#include "sim/engine/driver.hpp"
#include "sim/engine/platform.hpp"
#include "sim/common/progress.hpp"
#include "sim/io/scenario.hpp"

namespace fleetsim {

RunResult run_simulation(const Scenario& sc, ClusterState& cluster, const std::vector<Job>& jobs,
                         const EngineOptions& opt, std::shared_ptr<const FragTarget> frag) {
  auto queue = policies::make_queue(sc.policy.queue, sc.policy.params);
  policies::PolicyContext ctx;
  ctx.params = sc.policy.params;
  ctx.seed = sc.seed;
  ctx.frag_target = frag;
  auto placement = policies::make_placement(sc.policy.placement, ctx);
  std::optional<FragTracker> tracker;
  if (frag && !frag->empty() && cluster.num_gpus() > 0) tracker.emplace(*frag, cluster);

  if (!opt.verbose) xbt_log_control_set("root.thresh:critical");
  int argc = 1;
  char arg0[] = "fleetsim";
  char* argv[] = {arg0, nullptr};
  simgrid::s4u::Engine engine(&argc, argv);
  // Max-min fair sharing without TCP correction factors: a transfer alone on its path takes
  // latency + bytes / bandwidth exactly.
  engine.set_config("network/model:CM02");
  engine.set_config("network/crosstraffic:0");

  RunResult out;
  const auto t0 = std::chrono::steady_clock::now();
  Platform platform = build_platform(cluster, sc.cluster.links);
  out.platform.build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.platform.hosts = platform.node_hosts.size() + platform.gpu_hosts.size() + platform.chassis_hosts.size() +
                       platform.fabric_hosts.size();
  out.platform.links = platform.links;

  Scheduler sched(cluster, jobs, *queue, *placement);
  cluster.enable_mig(opt.mig);  // MIG layouts are cluster state (nullptr: no MIG)
  PartsPlacer parts(cluster);
  sched.set_parts_placer(&parts);
  StrandedTracker stranded(cluster, jobs);
  UtilizationObserver util(cluster, opt.keep_series, tracker ? &*tracker : nullptr,
                           cluster.num_gpus() > 0 ? &stranded : nullptr);
  if (sc.window.set()) {  // metrics.window
    double end = sc.window.end_s.value_or(std::numeric_limits<double>::infinity());
    if (sc.window.exclude_drain) {
      end = 0;
      for (const auto& j : jobs) end = std::max(end, j.submit_s);
    }
    util.set_window(sc.window.start_s.value_or(0.0), end);
  }
  ProgressBar progress(jobs.size(), opt.progress, "jobs");
  Driver driver(cluster, jobs, sched, util, sc.workload.horizon_s, progress, platform, sc.cluster.links);
  driver.set_parts(&parts);
  driver.start();
  engine.run();
  progress.done();

  const double end = sc.workload.horizon_s ? *sc.workload.horizon_s : driver.last_instant();
  util.finish(end);
  out.end_s = end;
  out.events = driver.instants();
  out.flows = driver.flows();
  out.placement_calls = sched.placement_calls();

  // A deadlock would end run() quietly: every job must be accounted for.
  std::size_t accounted = 0;
  for (const auto& r : sched.records())
    accounted += r.status == JobStatus::completed || r.status == JobStatus::unplaceable ||
                 ((r.status == JobStatus::pending || r.status == JobStatus::running ||
                   r.status == JobStatus::not_arrived) && sc.workload.horizon_s);
  if (accounted != jobs.size())
    throw std::logic_error("simulation ended with " + std::to_string(jobs.size() - accounted) +
                           " jobs neither finished nor unplaceable and no horizon");
  cluster.check_invariants();

  out.records = sched.records();
  account_gpu_time(out.records, util, end);
  out.metrics = compute_metrics(cluster, jobs, out.records, util);
  // Pipelines and MIG, when the run has them.
  std::size_t mono = 0, dis = 0;
  for (const auto& j : jobs)
    if (j.work && j.work->pipeline) ++(j.work->mode == ExecMode::monolithic ? mono : dis);
  if (mono + dis > 0) {
    const auto& pr = driver.pipelines();
    nlohmann::ordered_json p;
    p["jobs"] = mono + dis;
    p["monolithic"] = mono;
    p["disaggregated"] = dis;
    p["batches_done"] = pr.batches_done();
    p["stage_runs"] = pr.stage_runs();
    p["blocked_on_full_buffer"] = pr.blocked_events();
    out.metrics["pipelines"] = p;
  }
  if (parts.mig_gpus() > 0) {
    nlohmann::ordered_json m;
    m["gpus"] = parts.mig_gpus();
    m["instances_created"] = parts.instances_created();
    m["instances_reused"] = parts.instances_reused();
    m["instances_destroyed"] = parts.instances_destroyed();
    out.metrics["mig"] = m;
  }
  out.series = util.series();
  return out;
}

} // namespace fleetsim
