#include "sim/io/workload.hpp"

#include <algorithm>

#include "sim/io/traces/alibaba_v2023.hpp"
#include "sim/common/error.hpp"
#include "sim/sched/gang.hpp"
#include "sim/io/traces/import.hpp"
#include "sim/io/traces/native.hpp"

namespace fleetsim {

namespace {

/// True when some node of the empty cluster could hold each of j's allocations (pipelines were
/// checked stage by stage, and their monolithic containers, when the work catalog read them).
bool could_ever_run(const Job& j, const RunInputs& in) {
  if (j.work && j.work->pipeline) return true;
  for (const auto& r : PartsPlacer::parts(j))
    if (!mig_could_ever_fit(in.cluster, in.mig, r)) return false;
  return true;
}

/// The load shaping of imported traces, on a native or v2023 trace already read (its clock's
/// 0 is the origin; virtual clusters do not exist there, which scenario validation enforces).
void shape_loaded(std::vector<Job>& jobs, std::vector<std::int64_t>& lines, const traces::ImportOptions& o) {
  if (!o.window_start && !o.window_end && !o.sample && o.time_scale == 1.0) return;
  std::vector<Job> kept;
  std::vector<std::int64_t> kept_lines;
  traces::ImportOptions opt = o;
  traces::Shaper shaper(opt, [&](const traces::TraceJob& t) { kept.push_back(t.job); });
  shaper.fixed_origin(0, "0");
  traces::TraceJob t;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    t.job = std::move(jobs[i]);
    const auto before = kept.size();
    shaper.offer(t);
    if (kept.size() > before && i < lines.size()) kept_lines.push_back(lines[i]);
  }
  jobs = std::move(kept);
  lines = std::move(kept_lines);
}

} // namespace

RunInputs load_inputs(const Scenario& sc) {
  RunInputs in;
  if (!sc.cluster.node_list.empty())
    in.cluster = traces::read_cluster(sc.cluster.node_list_format.empty() ? std::string("alibaba-v2023")
                                                                          : sc.cluster.node_list_format,
                                      sc.cluster.node_list, in.models);
  else in.cluster = ClusterState::from_spec(sc.cluster, in.models);
  const std::string scenario_label = sc.source.empty() ? std::string("scenario") : sc.source.string();
  in.mig = build_mig_catalog(sc, in.models, scenario_label);
  // Pipelines, MIG requests and multi-node gangs, now checked against the cluster's capacity.
  const WorkCatalog work(sc, in.models, in.mig, &in.cluster, scenario_label);
  const auto& w = sc.workload;
  std::vector<std::int64_t> lines;  // per job, for native traces
  std::vector<std::string> where;  // per job of an imported trace: file:line (several files)
  traces::ImportOptions shaping;
  shaping.window_start = w.window_start;
  shaping.window_end = w.window_end;
  shaping.vc = w.vc;
  shaping.sample = w.sample;
  shaping.seed = w.sample_seed;
  shaping.time_scale = w.time_scale;
  if (!w.trace.empty() && traces::find_format(w.format)) {
    std::vector<std::filesystem::path> files{w.trace};
    files.insert(files.end(), w.more_traces.begin(), w.more_traces.end());
    (void)traces::import_trace(w.format, files, shaping, [&](const traces::TraceJob& t) {
      Job j = traces::resolve_models(t, in.models);
      WorkFields wf;
      wf.num_nodes = t.num_nodes;
      wf.has_duration = j.duration_s != 0;
      wf.has_models = j.req.model_mask != 0;
      work.resolve(j, wf, [&](const std::string& field, const std::string& what) {
        throw InputError(t.file + ":" + std::to_string(t.line) + ": job \"" + j.id + "\": " + field + ": " + what);
      });
      in.jobs.push_back(std::move(j));
      lines.push_back(t.line);
      where.push_back(t.file + ":" + std::to_string(t.line));
    });
    if (in.jobs.empty())
      throw InputError(w.trace.string() + ": no jobs left after reading and shaping the trace (window, vc, sample); "
                                          "fleetsim import shows what was skipped and why");
  } else if (!w.trace.empty()) {
    // Native and v2023 traces: a wrong-format file gets a hint, and the shaping options apply too.
    try {
      if (w.format == "csv") in.jobs = read_csv_trace(w.trace, in.models, &work, &lines);
    else if (w.format == "alibaba-v2023") {
      in.jobs = alibaba::jobs_of(alibaba::read_pod_list(w.trace, in.models));
      // Keep GPU pods with no model restriction off MIG-enabled GPUs.
      std::uint64_t plain = 0;
      for (int m = 0; m < in.models.size(); ++m)
        if (!((in.mig.mig_mask() >> m) & 1u)) plain |= std::uint64_t{1} << m;
      if (in.mig.any())
        for (auto& j : in.jobs)
          if (j.req.num_gpu > 0 && j.req.model_mask == 0) j.req.model_mask = plain;
    } else if (w.format == "jsonl") in.jobs = read_jsonl_trace(w.trace, in.models, &work, &lines);
    else throw InputError(w.trace.string() + ": unsupported trace format \"" + w.format + "\"");
    } catch (const InputError& e) {
      const auto hint = traces::sniff(w.trace, w.format);
      if (hint.empty()) throw;
      throw InputError(std::string(e.what()) + " (" + hint + ")");
    }
    shape_loaded(in.jobs, lines, shaping);
  } else {
    const std::string label = sc.source.empty() ? std::string("scenario") : sc.source.string();
    for (std::size_t i = 0; i < w.inline_jobs.size(); ++i)
      in.jobs.push_back(job_from_json(w.inline_jobs[i], in.models, label + ": /workload/jobs/" + std::to_string(i), true, &work));
    for (std::size_t i = 0; i < in.jobs.size(); ++i)
      for (std::size_t k = 0; k < i; ++k)
        if (in.jobs[k].id == in.jobs[i].id)
          throw InputError(label + ": /workload/jobs/" + std::to_string(i) + "/id: duplicate job id \"" + in.jobs[i].id + "\"");
  }
  if (w.unplaceable == "error")
    for (std::size_t i = 0; i < in.jobs.size(); ++i) {
      const Job& j = in.jobs[i];
      if (could_ever_run(j, in)) continue;
      const std::string at = i < where.size() ? where[i]
                             : !w.trace.empty()
                                 ? w.trace.string() + ":" + (i < lines.size() ? std::to_string(lines[i]) : std::string("?"))
                                 : scenario_label + ": /workload/jobs/" + std::to_string(i);
      throw InputError(at + ": job \"" + j.id + "\" (" + std::to_string(j.req.cpu_milli) + " mCPU, " +
                       std::to_string(j.req.memory_mib) + " MiB, " + std::to_string(j.req.num_gpu) + " x " +
                       std::to_string(j.req.gpu_milli) + " mGPU) fits no node of the cluster even when empty; "
                       "set workload.unplaceable to \"count\" to report such jobs as unplaceable instead");
    }
  if (in.jobs.empty())  // readers reject empty traces; this guards every other source
    throw InputError(scenario_label + ": /workload: no jobs, expected at least one");
  if (sc.fragmentation.popular && !sc.fragmentation.include_cpu_only &&
      std::none_of(in.jobs.begin(), in.jobs.end(), [](const Job& j) { return j.req.num_gpu > 0 && j.req.gpu_milli > 0; }))
    throw InputError(scenario_label + ": /fragmentation/include_cpu_only: the workload has no GPU job to derive the "
                                      "fragmentation target from; set it to true or give /fragmentation/target");
  if (w.mode == "fill")
    for (const auto& j : in.jobs)
      if (j.work)
        throw InputError(scenario_label + ": /workload/mode: fill mode places one allocation per job; job \"" + j.id +
                         "\" asks for several (num_nodes)");
  return in;
}

FragTarget fragmentation_target(const Scenario& sc, const RunInputs& in) {
  const auto& f = sc.fragmentation;
  if (f.popular) return FragTarget::popular(in.jobs, f.coverage_pct, f.include_cpu_only);
  std::vector<TargetShape> shapes;
  for (const auto& t : f.shapes) {
    TargetShape s;
    s.cpu_milli = t.value("cpu_milli", std::int64_t{0});
    s.num_gpu = static_cast<std::int32_t>(t.value("num_gpu", 0));
    s.gpu_milli = static_cast<std::int32_t>(t.value("gpu_milli", 0));
    const std::string list = t.value("gpu_models", std::string());
    std::size_t start = 0;
    while (start <= list.size()) {
      auto end = list.find('|', start);
      if (end == std::string::npos) end = list.size();
      if (auto id = in.models.find(list.substr(start, end - start))) s.model_mask |= std::uint64_t{1} << *id;
      start = end + 1;
    }
    s.weight = t.at("weight").get<double>();
    shapes.push_back(s);
  }
  return FragTarget(std::move(shapes));
}

} // namespace fleetsim
