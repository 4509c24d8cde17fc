// MIG catalog, pipeline templates, and the completion of jobs from their work fields.
#include "sim/io/work_catalog.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "sim/common/error.hpp"
#include "sim/io/scenario.hpp"
#include "sim/io/scenario_spec.hpp"
#include "sim/work/pipeline_runner.hpp"

namespace fleetsim {
namespace {

using ojson = nlohmann::ordered_json;

[[noreturn]] void fail_at(const std::string& label, const std::string& ptr, const std::string& what) {
  throw InputError(spec::located(label, ptr, what));
}

std::string jq(const std::string& s) { return nlohmann::json(s).dump(); }

std::string request_text(const Request& r, const MigCatalog& mig) {
  std::string s = "cpu_milli " + std::to_string(r.cpu_milli) + ", memory_mib " + std::to_string(r.memory_mib);
  if (r.mig >= 0) s += ", " + std::to_string(r.num_gpu) + " x MIG " + mig.profile_name(r.mig);
  else if (r.num_gpu > 0) s += ", " + std::to_string(r.num_gpu) + " GPU(s) of " + std::to_string(r.gpu_milli) + " milli";
  return s;
}

/// The label sentinel used to re-locate validator errors inside an inline object.
const std::string kInline = "\x01inline";

} // namespace

MigCatalog build_mig_catalog(const Scenario& sc, GpuModels& models, const std::string& label) {
  MigCatalog cat;
  // Declared geometries first: they may also redefine a built-in model.
  std::map<std::string, std::shared_ptr<const mig::Geometry>> declared;
  const auto& mm = sc.cluster.mig_models;
  for (std::size_t i = 0; i < mm.size(); ++i) {
    const auto& d = mm[i];
    const std::string at = "/cluster/mig_models/" + std::to_string(i);
    auto g = std::make_shared<mig::Geometry>();
    g->model = d.at("model").get<std::string>();
    g->memory_slices = d.at("memory_slices").get<int>();
    g->compute_slices = d.at("compute_slices").get<int>();
    const auto& ps = d.at("profiles");
    for (std::size_t k = 0; k < ps.size(); ++k) {
      const auto& p = ps[k];
      const std::string pat = at + "/profiles/" + std::to_string(k);
      mig::Profile prof;
      prof.name = p.at("name").get<std::string>();
      prof.compute_slices = p.at("compute_slices").get<int>();
      prof.memory_slices = p.at("memory_slices").get<int>();
      prof.memory_mib = p.value("memory_mib", std::int64_t{0});
      prof.max_instances = p.value("max_instances", 0);
      prof.media_extensions = prof.name.ends_with("+me");
      if (prof.compute_slices > g->compute_slices)
        fail_at(label, pat + "/compute_slices", "expected at most the GPU's " + std::to_string(g->compute_slices) +
                                                    " compute slices, got " + std::to_string(prof.compute_slices));
      if (prof.memory_slices > g->memory_slices)
        fail_at(label, pat + "/memory_slices", "expected at most the GPU's " + std::to_string(g->memory_slices) +
                                                   " memory slices, got " + std::to_string(prof.memory_slices));
      const auto& st = p.at("starts");
      for (std::size_t j = 0; j < st.size(); ++j) {
        const int s = st[j].get<int>();
        if (s + prof.memory_slices > g->memory_slices)
          fail_at(label, pat + "/starts/" + std::to_string(j),
                  "an instance of " + std::to_string(prof.memory_slices) + " memory slice(s) starting at " +
                      std::to_string(s) + " passes the GPU's last memory slice (" +
                      std::to_string(g->memory_slices - 1) + ")");
        prof.starts.push_back(s);
      }
      g->profiles.push_back(std::move(prof));
    }
    try {
      g->check();
    } catch (const std::invalid_argument& e) {
      fail_at(label, at, e.what());
    }
    declared[g->model] = g;
  }
  const auto& types = sc.cluster.node_types;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const auto& t = types[i];
    if (!t.mig) continue;
    std::shared_ptr<const mig::Geometry> g;
    if (auto it = declared.find(t.mig_model); it != declared.end()) {
      g = it->second;
    } else if (const mig::Geometry* b = mig::builtin(t.mig_model)) {
      g = std::shared_ptr<const mig::Geometry>(b, [](const mig::Geometry*) {});  // static table
    } else {
      std::string known;
      for (const auto& m : mig::builtin_models()) known += (known.empty() ? "" : ", ") + m;
      fail_at(label, "/cluster/nodes/" + std::to_string(i) + "/mig",
              "GPU model " + jq(t.mig_model) + " has no MIG geometry; built in: " + known +
                  " (and aliases A30, A100, H100, H100-NVL, H200), or declare it in /cluster/mig_models");
    }
    const auto variant = models.find(t.gpu_model);
    const int base = models.intern(t.mig_model);
    if (!variant) throw std::logic_error("MIG model " + t.gpu_model + " not interned");
    cat.enable(*variant, base, g);
    for (const auto& p : g->profiles) cat.intern_profile(p.name);
  }
  return cat;
}

// ---- WorkCatalog ----

WorkCatalog::WorkCatalog(const Scenario& sc, const GpuModels& models, MigCatalog& mig, const ClusterState* cluster,
                         const std::string& label)
    : models_(models), mig_(mig), cluster_(cluster), label_(label) {
  parse_exec_mode(sc.workload.pipeline_mode, default_mode_);
  for (int i = 0; i < models.size(); ++i)
    if (!((mig.mig_mask() >> i) & 1u)) plain_mask_ |= std::uint64_t{1} << i;
  const auto& ps = sc.workload.pipelines;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const std::string at = "/workload/pipelines/" + std::to_string(i);
    templates_.push_back({parse_pipeline(ps[i], label, at, true), at});
  }
}

Request WorkCatalog::stage_request(const nlohmann::json& st, const std::string& label, const std::string& at) const {
  Request r;
  r.cpu_milli = st.value("cpu_milli", std::int64_t{0});
  r.memory_mib = st.value("memory_mib", std::int64_t{0});
  const bool has_gpus = st.contains("num_gpu"), has_milli = st.contains("gpu_milli");
  const std::string mig = st.value("mig", std::string());
  std::uint64_t named = 0;  // models named in gpu_models
  if (st.contains("gpu_models")) {
    const auto& ms = st.at("gpu_models");
    for (std::size_t k = 0; k < ms.size(); ++k) {
      const auto name = ms[k].get<std::string>();
      const auto id = models_.find(name);
      if (!id) {
        std::string known;
        for (const auto& n : models_.names()) known += (known.empty() ? "" : ", ") + n;
        fail_at(label, at + "/gpu_models/" + std::to_string(k),
                "unknown GPU model " + jq(name) + "; the cluster has: " + (known.empty() ? "no GPUs" : known));
      }
      named |= std::uint64_t{1} << *id;
    }
  }
  if (!mig.empty()) {
    if (has_milli) fail_at(label, at + "/gpu_milli", "not allowed with \"mig\" (the MIG profile fixes the share)");
    r.num_gpu = has_gpus ? st.at("num_gpu").get<std::int32_t>() : 1;
    if (r.num_gpu < 1) fail_at(label, at + "/num_gpu", "expected at least 1 MIG instance with \"mig\", got 0");
    if (!mig_.any())
      fail_at(label, at + "/mig", "no node type has MIG enabled (set \"mig\": true on a node type with a MIG-capable GPU)");
    const MigMatch mm = match_mig(mig, named);
    if (!mm.ok())
      fail_at(label, at + "/mig",
              "no MIG-enabled GPU model " + std::string(named ? "allowed here " : "") + "has profile " + jq(mig) +
                  " (" + (mm.have.empty() ? "the allowed models have no MIG-enabled nodes" : mm.have) + ")");
    r.mig = static_cast<std::int16_t>(*mm.profile);
    r.model_mask = mm.mask;
    r.gpu_milli = mm.nominal;
    return r;
  }
  r.num_gpu = has_gpus ? st.at("num_gpu").get<std::int32_t>() : 0;
  if (r.num_gpu == 0 && has_milli) fail_at(label, at + "/gpu_milli", "not allowed when the stage uses no GPU (num_gpu 0)");
  r.gpu_milli = r.num_gpu > 0 ? (has_milli ? st.at("gpu_milli").get<std::int32_t>() : 1000) : 0;
  if (named & mig_.mig_mask())
    fail_at(label, at + "/gpu_models", "MIG-enabled GPUs serve only MIG instances; request one with \"mig\"");
  r.model_mask = named ? named : (r.num_gpu > 0 && mig_.any() ? plain_mask_ : 0);
  return r;
}

WorkCatalog::MigMatch WorkCatalog::match_mig(const std::string& name, std::uint64_t named) const {
  MigMatch out;
  out.profile = mig_.find_profile(name);
  const std::uint64_t allowed = mig_.variants_of(named & ~mig_.mig_mask()) | (named & mig_.mig_mask());
  for (int m = 0; m < GpuModels::kMaxModels; ++m) {
    if (!((allowed >> m) & 1u)) continue;
    const mig::Geometry* g = mig_.geometry(m);
    out.have += (out.have.empty() ? "" : "; ") + g->model + ": " + g->profile_list();
    const int p = g->find(name);
    if (p < 0) continue;
    out.mask |= std::uint64_t{1} << m;
    if (!out.nominal) out.nominal = g->nominal_milli(p);
  }
  return out;
}

bool WorkCatalog::worker_fits(const Request& r) const {
  if (!cluster_) return true;
  return mig_could_ever_fit(*cluster_, mig_, r);
}

std::shared_ptr<PipelineSpec> WorkCatalog::parse_pipeline(const nlohmann::json& pj, const std::string& label,
                                                          const std::string& at, bool named) const {
  auto p = std::make_shared<PipelineSpec>();
  p->name = named ? pj.at("name").get<std::string>() : std::string();
  p->batches = pj.at("batches").get<std::int64_t>();
  p->buffer = pj.value("buffer", 2);
  p->arrival_interval_s = pj.value("arrival_interval_s", 0.0);
  const auto& stages = pj.at("stages");
  for (std::size_t k = 0; k < stages.size(); ++k) {
    const auto& st = stages[k];
    const std::string sat = at + "/stages/" + std::to_string(k);
    StageSpec s;
    s.name = st.at("name").get<std::string>();
    s.batch_s = st.at("batch_s").get<double>();
    s.workers = st.value("workers", 1);
    s.req = stage_request(st, label, sat);
    if (!worker_fits(s.req))
      fail_at(label, sat, "a worker of stage " + jq(s.name) + " (" + request_text(s.req, mig_) +
                              ") fits no node of the cluster");
    p->stages.push_back(std::move(s));
  }
  return p;
}

WorkCatalog::Entry WorkCatalog::make_entry(const std::shared_ptr<const PipelineSpec>& p, ExecMode mode,
                                           std::int64_t batches, const Fail& fail, const std::string& field) const {
  auto w = std::make_shared<JobWork>();
  w->pipeline = p;
  w->mode = mode;
  w->batches = batches;
  Entry e;
  const std::string what = p->name.empty() ? std::string("the pipeline") : "pipeline " + jq(p->name);
  if (mode == ExecMode::monolithic) {
    std::string why;
    if (!monolithic_compatible(*p, &why)) fail(field, what + " cannot run monolithic: " + why);
    e.req = monolithic_request(*p);
    if (e.req.mig >= 0) w->parts = {e.req};
    if (!worker_fits(e.req))
      fail(field, "in monolithic mode " + what + " needs one container of " + request_text(e.req, mig_) +
                      " that no node can hold (run it disaggregated, or give it smaller stages)");
  } else {
    w->stage_part.push_back(0);
    for (const auto& s : p->stages) {
      for (int k = 0; k < s.workers; ++k) w->parts.push_back(s.req);
      w->stage_part.push_back(static_cast<std::int32_t>(w->parts.size()));
      e.req.cpu_milli += std::int64_t{s.workers} * s.req.cpu_milli;
      e.req.memory_mib += std::int64_t{s.workers} * s.req.memory_mib;
      if (s.uses_gpu()) {
        e.req.num_gpu += s.workers * s.req.num_gpu;
        e.req.gpu_milli = std::max(e.req.gpu_milli, s.req.gpu_milli);
      }
    }
    if (w->parts.size() == 1) e.req = w->parts[0];
  }
  e.ideal_s = PipelineRunner::ideal_duration(*w);
  e.work = std::move(w);
  return e;
}

void WorkCatalog::resolve(Job& job, const WorkFields& f, const Fail& fail) const {
  const bool pipeline = !f.pipeline.empty() || f.pipeline_obj;
  if (!pipeline && !f.mode.empty()) fail("mode", "only for pipeline jobs (set \"pipeline\")");
  if (!pipeline && f.batches != 0) fail("batches", "only for pipeline jobs (set \"pipeline\")");
  if (f.num_nodes < 1 || f.num_nodes > 4096) fail("num_nodes", "expected an integer from 1 to 4096");
  if (f.num_nodes > 1) {
    if (job.kind != JobKind::training) fail("num_nodes", "only training jobs span several nodes");
    if (pipeline) fail("num_nodes", "not with a pipeline (disaggregated stages place their own workers)");
    if (!f.mig.empty()) fail("num_nodes", "not with a MIG instance request");
  }
  if (pipeline) {
    if (!f.mig.empty()) fail("mig", "set \"mig\" on the pipeline's stages, not on the job");
    if (f.has_models) fail("gpu_models", "set \"gpu_models\" on the pipeline's stages, not on the job");
    if (!f.resource_field.empty())
      fail(f.resource_field, "expected 0 or empty for a pipeline job: its stages define its resources");
    if (f.has_duration) fail("duration_s", "expected 0 or empty for a pipeline job: its stages and batches define its run time");
    ExecMode mode = default_mode_;
    if (!f.mode.empty() && !parse_exec_mode(f.mode, mode)) fail("mode", "expected \"monolithic\" or \"disaggregated\"");
    if (f.batches < 0) fail("batches", "expected a positive integer");
    Entry e;
    if (f.pipeline_obj) {
      std::shared_ptr<PipelineSpec> p;
      try {
        const auto checked = nlohmann::json(spec::validate(ojson(*f.pipeline_obj), spec::inline_pipeline(), kInline));
        p = parse_pipeline(checked, kInline, "", false);
      } catch (const InputError& err) {
        std::string m = err.what();
        m = m.substr(kInline.size() + 2);  // "<ptr>: <what>" or "<what>"
        const auto cut = m.find(": ");
        if (!m.empty() && m[0] == '/' && cut != std::string::npos) fail("pipeline" + m.substr(0, cut), m.substr(cut + 2));
        fail("pipeline", m);
      }
      p->name = job.id;
      e = make_entry(p, mode, f.batches > 0 ? f.batches : p->batches, fail, "pipeline");
    } else {
      std::size_t t = 0;
      while (t < templates_.size() && templates_[t].spec->name != f.pipeline) ++t;
      if (t == templates_.size()) {
        std::string names;
        for (const auto& x : templates_) names += (names.empty() ? "" : ", ") + jq(x.spec->name);
        fail("pipeline", "unknown pipeline " + jq(f.pipeline) + "; " +
                             (names.empty() ? std::string("the scenario declares none in /workload/pipelines")
                                            : "declared: " + names));
      }
      const std::int64_t batches = f.batches > 0 ? f.batches : templates_[t].spec->batches;
      const auto key = std::make_tuple(t, static_cast<int>(mode), batches);
      auto it = cache_.find(key);
      if (it == cache_.end()) it = cache_.emplace(key, make_entry(templates_[t].spec, mode, batches, fail, "pipeline")).first;
      e = it->second;
    }
    job.req = e.req;
    job.duration_s = e.ideal_s;
    job.work = e.work;
    return;
  }
  Request& r = job.req;
  if (!f.mig.empty()) {
    if (r.num_gpu < 1) fail("num_gpu", "expected at least 1 MIG instance with \"mig\"");
    if (!mig_.any()) fail("mig", "no node type has MIG enabled (set \"mig\": true on a node type)");
    const MigMatch mm = match_mig(f.mig, r.model_mask);
    if (!mm.ok())
      fail("mig", "no MIG-enabled GPU model " + std::string(r.model_mask ? "allowed for this job " : "") +
                      "has profile " + jq(f.mig) + " (" +
                      (mm.have.empty() ? "the allowed models have no MIG-enabled nodes" : mm.have) + ")");
    r.mig = static_cast<std::int16_t>(*mm.profile);
    r.model_mask = mm.mask;
    r.gpu_milli = mm.nominal;
    return;
  }
  if (r.model_mask & mig_.mig_mask())
    fail("gpu_models", "MIG-enabled GPUs serve only MIG instances; request one with \"mig\"");
  if (r.num_gpu > 0 && r.model_mask == 0 && mig_.any()) r.model_mask = plain_mask_;
  if (f.num_nodes > 1) {
    auto w = std::make_shared<JobWork>();
    w->parts.assign(static_cast<std::size_t>(f.num_nodes), r);
    job.work = std::move(w);
  }
}

} // namespace fleetsim
