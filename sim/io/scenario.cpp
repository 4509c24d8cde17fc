// Scenario loading: read, apply --set overrides, validate against the table in
// scenario_spec.cpp, then the checks a table cannot express (files, GPU models, inline jobs,
// policy names), and convert.
#include "sim/io/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "policies/registry.hpp"
#include "sim/io/traces/alibaba_v2023.hpp"
#include "sim/common/error.hpp"
#include "sim/model/gpu_models.hpp"
#include "sim/io/input.hpp"
#include "sim/io/scenario_spec.hpp"
#include "sim/io/traces/import.hpp"
#include "sim/io/traces/native.hpp"
#include "sim/io/work_catalog.hpp"

namespace fleetsim {
namespace {

using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

/// Trace file extensions that name a format.
constexpr std::pair<const char*, const char*> kFormatByExtension[] = {
    {".csv", "csv"}, {".jsonl", "jsonl"}, {".ndjson", "jsonl"}};

[[noreturn]] void fail(const std::string& label, const std::string& ptr, const std::string& what) {
  throw InputError(spec::located(label, ptr, what));
}

template <class Json>
void apply_override_to(Json& doc, const std::string& assignment) {
  auto fail_set = [&](const std::string& what) { throw InputError("--set " + assignment + ": " + what); };
  std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) fail_set("expected PATH=VALUE");
  std::string path = assignment.substr(0, eq), text = assignment.substr(eq + 1);

  Json* at = &doc;
  std::string walked = "the document";
  std::istringstream segments(path + ".");
  for (std::string seg; std::getline(segments, seg, '.');) {
    if (seg.empty()) fail_set("empty segment in path \"" + path + "\"");
    if (at->is_null()) *at = Json::object();  // created by an earlier segment
    if (at->is_object()) {
      at = &(*at)[seg];
    } else if (at->is_array()) {
      if (seg.size() > 9 || !std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; }))
        fail_set("\"" + seg + "\" is not an array index (" + walked + " is an array)");
      std::size_t i = std::stoul(seg);
      if (i >= at->size())
        fail_set("index " + seg + " is out of range (" + walked + " has " + std::to_string(at->size()) + " elements)");
      at = &(*at)[i];
    } else {
      fail_set("cannot set \"" + seg + "\": " + walked + " is a " + at->type_name() + ", not an object or array");
    }
    walked = walked == "the document" ? seg : walked + "." + seg;
  }
  std::size_t depth = 0, deepest = 0;
  for (char c : text) {
    if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    else if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  if (deepest > input::kMaxJsonDepth)
    fail_set("VALUE nests deeper than " + std::to_string(input::kMaxJsonDepth) + " levels of arrays and objects");
  Json value = Json::parse(text, nullptr, false);
  *at = value.is_discarded() ? Json(text) : std::move(value);
}

/// Composable topology: pools, switches, links; every name resolved, every pool reachable.
void convert_topology(const ojson& c, const std::string& label, GpuModels& models, ClusterSpec& out) {
  out.topology = c["topology"].get<std::string>();
  const ojson& l = c["links"];
  out.links = LinkSpec{l["nvlink_bandwidth_Bps"].get<double>(), l["nvlink_latency_s"].get<double>(),
                       l["nic_bandwidth_Bps"].get<double>(),    l["nic_latency_s"].get<double>(),
                       l["port_bandwidth_Bps"].get<double>(),   l["port_latency_s"].get<double>(),
                       l["attach_s"].get<double>(),             l["detach_s"].get<double>()};
  const bool composable = out.topology == "composable";
  if (!composable) {
    for (const char* k : {"pools", "switches"})
      if (c.contains(k)) fail(label, std::string("/cluster/") + k, "only for \"topology\": \"composable\"");
    for (std::size_t i = 0; i < out.node_types.size(); ++i)
      if (out.node_types[i].fabric_ports > 0)
        fail(label, "/cluster/nodes/" + std::to_string(i) + "/fabric_ports", "only for \"topology\": \"composable\"");
    return;
  }
  if (c.contains("node_list")) fail(label, "/cluster/node_list", "a composable cluster is described with \"nodes\"");
  for (const char* k : {"pools", "switches"})
    if (!c.contains(k)) fail(label, std::string("/cluster/") + k, "required key is missing for a composable cluster");
  for (const auto& p : c["pools"]) {
    PoolTypeSpec t{p["name"].get<std::string>(), p["count"].get<std::int64_t>(), p["gpus"].get<std::int64_t>(),
                   p["gpu_model"].get<std::string>(), p["uplink_bandwidth_Bps"].get<double>()};
    try {
      models.intern(t.gpu_model);
    } catch (const std::length_error&) {
      fail(label, "/cluster/pools", "expected at most 64 distinct GPU models");
    }
    out.pools.push_back(std::move(t));
  }
  auto pool_names = [&] {
    std::string s;
    for (const auto& p : out.pools) s += (s.empty() ? "" : ", ") + p.name;
    return s;
  };
  std::vector<bool> reached(out.pools.size(), false);
  const ojson& sw = c["switches"];
  for (std::size_t i = 0; i < sw.size(); ++i) {
    SwitchSpec t{sw[i]["name"].get<std::string>(), {}};
    for (std::size_t k = 0; k < sw[i]["pools"].size(); ++k) {
      const auto name = sw[i]["pools"][k].get<std::string>();
      std::size_t j = 0;
      while (j < out.pools.size() && out.pools[j].name != name) ++j;
      if (j == out.pools.size())
        fail(label, "/cluster/switches/" + std::to_string(i) + "/pools/" + std::to_string(k),
             "unknown pool type \"" + name + "\"; pools: " + pool_names());
      reached[j] = true;
      t.pools.push_back(name);
    }
    out.switches.push_back(std::move(t));
  }
  for (std::size_t j = 0; j < out.pools.size(); ++j)
    if (!reached[j])
      fail(label, "/cluster/pools/" + std::to_string(j), "no switch reaches pool \"" + out.pools[j].name + "\"");
  bool any_port = false;
  for (std::size_t i = 0; i < out.node_types.size(); ++i) {
    const auto& n = out.node_types[i];
    if (n.fabric_ports == 0) continue;
    any_port = true;
    bool known = false;
    for (const auto& w : out.switches) known |= w.name == n.fabric_switch;
    if (!known) {
      std::string names;
      for (const auto& w : out.switches) names += (names.empty() ? "" : ", ") + w.name;
      fail(label, "/cluster/nodes/" + std::to_string(i) + "/switch",
           "unknown switch \"" + n.fabric_switch + "\"; switches: " + names);
    }
  }
  if (!any_port) fail(label, "/cluster/nodes", "no node has fabric ports, so no pooled GPU can ever be attached");
}

/// Everything after the table: GPU models, trace file and format, inline jobs, policies.
Scenario convert(const ojson& raw, const std::string& label, const fs::path& base_dir) {
  const ojson d = spec::validate(raw, spec::scenario(), label);
  Scenario s;
  s.name = d["name"].get<std::string>();
  s.seed = d["seed"].get<std::uint64_t>();

  GpuModels models;
  const ojson& c = d["cluster"];
  if (c.contains("node_list")) {
    fs::path given = c["node_list"].get<std::string>();
    s.cluster.node_list = (base_dir / given).lexically_normal();
    s.cluster.node_list_format = c["format"].get<std::string>();
    if (auto why = input::why_unreadable(s.cluster.node_list, input::kMaxTraceBytes))
      fail(label, "/cluster/node_list", (*why == "cannot open file" ? std::string("file not found") : *why) + ": " +
                                            input::shown(s.cluster.node_list));
    (void)traces::read_cluster(s.cluster.node_list_format, s.cluster.node_list, models);  // located errors; fills models
  } else {
    const ojson& nodes = c["nodes"];
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const ojson& n = nodes[i];
      NodeTypeSpec t{.name = n["name"].get<std::string>(),
                     .count = n["count"].get<std::int64_t>(),
                     .cpu_milli = n["cpu_milli"].get<std::int64_t>(),
                     .memory_mib = n["memory_mib"].get<std::int64_t>(),
                     .gpus = n["gpus"].get<std::int64_t>(),
                     .gpu_model = {},
                     .fabric_ports = n["fabric_ports"].get<std::int64_t>(),
                     .fabric_switch = n.contains("switch") ? n["switch"].get<std::string>() : std::string(),
                     .mig = false,
                     .mig_model = {}};
      if (n["mig"].get<bool>()) {
        if (t.gpus == 0) fail(label, "/cluster/nodes/" + std::to_string(i) + "/mig", "MIG needs GPUs (gpus > 0)");
        t.mig = true;
        t.mig_model = n["gpu_model"].get<std::string>();
      }
      if (t.gpus > 0) {
        t.gpu_model = n["gpu_model"].get<std::string>();
        if (t.mig) t.gpu_model += kMigSuffix;  // a model of its own: it serves only MIG instances
        try {
          models.intern(t.gpu_model);
        } catch (const std::length_error&) {
          fail(label, "/cluster/nodes/" + std::to_string(i) + "/gpu_model",
               "expected at most " + std::to_string(GpuModels::kMaxModels) + " distinct GPU models, got " +
                   spec::brief(n["gpu_model"]));
        }
      }
      s.cluster.node_types.push_back(std::move(t));
    }
  }

  convert_topology(c, label, models, s.cluster);
  {  // sizes before anything is allocated for them (counts are bounded one by one by the table)
    std::int64_t nodes = 0, gpus = 0;
    for (const auto& t : s.cluster.node_types) nodes += t.count, gpus += t.count * t.gpus;
    if (nodes > input::kMaxNodes)
      fail(label, "/cluster/nodes", "expected at most " + std::to_string(input::kMaxNodes) + " nodes in all, got " +
                                        std::to_string(nodes));
    for (const auto& p : s.cluster.pools) gpus += p.count * p.gpus;
    if (gpus > input::kMaxGpus)
      fail(label, "/cluster", "expected at most " + std::to_string(input::kMaxGpus) + " GPUs in all (nodes and pools), got " +
                                  std::to_string(gpus));
  }
  if (c.contains("mig_models")) s.cluster.mig_models = nlohmann::json(c["mig_models"]);

  // Pipelines, MIG profiles, multi-node gangs: checked here without the cluster's capacity
  // (load_inputs checks that too), so inline jobs can be completed.
  const ojson& wl = d["workload"];
  if (wl.contains("pipelines")) s.workload.pipelines = nlohmann::json(wl["pipelines"]);
  s.workload.pipeline_mode = wl["pipeline_mode"].get<std::string>();
  MigCatalog mig = build_mig_catalog(s, models, label);
  const WorkCatalog work(s, models, mig, nullptr, label);

  const ojson& w = d["workload"];
  if (w.contains("trace")) {
    fs::path given = w["trace"].get<std::string>();
    s.workload.trace = (base_dir / given).lexically_normal();
    if (auto why = input::why_unreadable(s.workload.trace, input::kMaxTraceBytes))
      fail(label, "/workload/trace", (*why == "cannot open file" ? std::string("file not found") : *why) + ": " +
                                         input::shown(s.workload.trace));
    if (w.contains("format")) {
      s.workload.format = w["format"].get<std::string>();
    } else {
      std::string ext = given.extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      for (const auto& [e, f] : kFormatByExtension)
        if (ext == e) s.workload.format = f;
      if (s.workload.format.empty())
        fail(label, "/workload/format",
             "required key is missing (cannot infer it from " + spec::brief(w["trace"]) +
                 "; known extensions: .csv, .jsonl, .ndjson)");
    }
    if (w.contains("more_traces"))
      for (std::size_t i = 0; i < w["more_traces"].size(); ++i) {
        const fs::path p = (base_dir / w["more_traces"][i].get<std::string>()).lexically_normal();
        if (auto why = input::why_unreadable(p, input::kMaxTraceBytes))
          fail(label, "/workload/more_traces/" + std::to_string(i),
               (*why == "cannot open file" ? std::string("file not found") : *why) + ": " + input::shown(p));
        s.workload.more_traces.push_back(p);
      }
    if (w.contains("more_traces") && !traces::find_format(s.workload.format))
      fail(label, "/workload/more_traces", "format " + s.workload.format + " reads one file; more_traces is for " +
                                               traces::format_names());
    if (w.contains("window")) {
      s.workload.window_start = w["window"]["start_s"].get<double>();
      if (w["window"].contains("end_s")) {
        s.workload.window_end = w["window"]["end_s"].get<double>();
        if (*s.workload.window_end <= *s.workload.window_start)
          fail(label, "/workload/window/end_s", "expected a time after start_s, got " + spec::brief(w["window"]["end_s"]));
      }
    }
    if (w.contains("vc")) {
      s.workload.vc = w["vc"].get<std::string>();
      const auto* f = traces::find_format(s.workload.format);
      if (!f || !f->has_vc)
        fail(label, "/workload/vc", "format " + s.workload.format + " has no virtual clusters (vc works with helios, "
                                    "philly, swf, alibaba-2025-dlrm, alibaba-2026-spot)");
    }
    if (w.contains("sample")) s.workload.sample = w["sample"].get<double>();
    s.workload.sample_seed = w.contains("sample_seed") ? w["sample_seed"].get<std::uint64_t>() : s.seed;
    if (w.contains("time_scale")) s.workload.time_scale = w["time_scale"].get<double>();
  } else {
    s.workload.inline_jobs = nlohmann::json(w["jobs"]);
    for (std::size_t i = 0; i < s.workload.inline_jobs.size(); ++i)
      (void)job_from_json(s.workload.inline_jobs[i], models, label + ": /workload/jobs/" + std::to_string(i), true, &work);
  }
  if (w.contains("horizon_s")) s.workload.horizon_s = w["horizon_s"].get<double>();
  s.workload.mode = w["mode"].get<std::string>();
  s.workload.unplaceable = w.contains("unplaceable") ? w["unplaceable"].get<std::string>()
                           : s.workload.format == "alibaba-v2023" || traces::find_format(s.workload.format) ? "count"
                                                                  : "error";
  if (w.contains("fill")) {
    s.workload.fill.ratio = w["fill"]["ratio"].get<double>();
    s.workload.fill.shuffle = w["fill"]["shuffle"].get<bool>();
  }
  if (s.workload.mode == "fill" && w.contains("horizon_s"))
    fail(label, "/workload/horizon_s", "not used in fill mode (jobs never leave); remove it");
  if (s.workload.mode == "fill" && w.contains("pipelines"))
    fail(label, "/workload/pipelines", "not used in fill mode (it places single allocations and has no clock)");
  if (s.workload.mode == "fill")
    for (std::size_t i = 0; i < s.cluster.node_types.size(); ++i)
      if (s.cluster.node_types[i].mig) fail(label, "/cluster/nodes/" + std::to_string(i) + "/mig", "not supported in fill mode");

  const ojson& fr = d["fragmentation"];
  s.fragmentation.coverage_pct = fr["coverage_pct"].get<double>();
  s.fragmentation.include_cpu_only = fr["include_cpu_only"].get<bool>();
  if (fr.contains("target")) {
    s.fragmentation.popular = false;
    s.fragmentation.shapes = nlohmann::json(fr["target"]);
    double total = 0;
    for (std::size_t i = 0; i < fr["target"].size(); ++i) {
      const ojson& t = fr["target"][i];
      const std::string at = "/fragmentation/target/" + std::to_string(i);
      const auto g = t["num_gpu"].get<std::int64_t>(), m = t["gpu_milli"].get<std::int64_t>();
      if (g == 0 && m != 0) fail(label, at + "/gpu_milli", "expected 0 when num_gpu is 0, got " + spec::brief(t["gpu_milli"]));
      if (g > 0 && m == 0) fail(label, at + "/gpu_milli", "expected 1 to 1000 when num_gpu > 0, got 0");
      if (t.contains("gpu_models")) {
        const auto list = t["gpu_models"].get<std::string>();
        std::size_t start = 0;
        while (start <= list.size()) {
          auto end = list.find('|', start);
          if (end == std::string::npos) end = list.size();
          const auto name = list.substr(start, end - start);
          if (!name.empty() && !models.find(name))
            fail(label, at + "/gpu_models", "unknown GPU model \"" + name + "\" (not in the cluster)");
          start = end + 1;
        }
      }
      total += t["weight"].get<double>();
    }
    if (!(total > 0)) fail(label, "/fragmentation/target", "expected at least one shape with a positive weight");
  }

  if (d.contains("metrics") && d["metrics"].contains("window")) {
    const ojson& mw = d["metrics"]["window"];
    const std::string at = "/metrics/window";
    if (mw.contains("start_s") && mw.contains("warmup_s"))
      fail(label, at + "/warmup_s", "give start_s or warmup_s, not both");
    if (mw.contains("end_s") && mw["drain"].get<std::string>() == "exclude")
      fail(label, at + "/drain", "\"exclude\" sets the window's end; remove it or end_s");
    if (mw.contains("start_s")) s.window.start_s = mw["start_s"].get<double>();
    if (mw.contains("warmup_s")) s.window.start_s = mw["warmup_s"].get<double>();
    if (mw.contains("end_s")) {
      s.window.end_s = mw["end_s"].get<double>();
      if (s.window.start_s && *s.window.end_s <= *s.window.start_s)
        fail(label, at + "/end_s", "expected more than the window's start (" + spec::brief(mw[mw.contains("start_s") ? "start_s" : "warmup_s"]) +
                                       "), got " + spec::brief(mw["end_s"]));
    }
    s.window.exclude_drain = mw["drain"].get<std::string>() == "exclude";
    if (s.workload.mode == "fill" && s.window.set())
      fail(label, at, "not used in fill mode (it has no clock)");
  }

  const ojson& p = d["policy"];
  s.policy.queue = p["queue"].get<std::string>();
  s.policy.placement = p["placement"].get<std::string>();
  s.policy.params = nlohmann::json(p["params"]);
  try {  // the registry's messages start with the JSON pointer
    (void)policies::make_queue(s.policy.queue, s.policy.params);
    (void)policies::make_placement(s.policy.placement, s.policy.params, s.seed);
    policies::check_params(s.policy.queue, s.policy.placement, s.policy.params);
  } catch (const InputError& e) {
    throw InputError(label + ": " + e.what());
  }

  const ojson& o = d["outputs"];
  s.outputs.dir = o.contains("dir") ? o["dir"].get<std::string>() : std::string();
  s.outputs.jobs_csv = o["jobs_csv"].get<bool>();
  s.outputs.timeseries_csv = o["timeseries_csv"].get<bool>();
  s.raw = nlohmann::json(raw);
  return s;
}

} // namespace

void apply_override(nlohmann::json& doc, const std::string& assignment) { apply_override_to(doc, assignment); }

Scenario scenario_from_json(const nlohmann::json& doc, const std::string& label, const fs::path& base_dir) {
  return convert(ojson(doc), label, base_dir);
}

Scenario load_scenario(const fs::path& file, const std::vector<std::string>& overrides) {
  return load_scenario(input::read_json_file(file), file, overrides);  // ordered: errors in document order
}

Scenario load_scenario(const ojson& original, const fs::path& file, const std::vector<std::string>& overrides) {
  ojson doc = original;
  for (const auto& o : overrides) apply_override_to(doc, o);
  Scenario s = convert(doc, input::shown(file), file.parent_path());
  s.source = file;
  return s;
}

nlohmann::ordered_json scenario_schema() {
  ojson schema;
  schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  schema["title"] = "fleetsim scenario";
  const ojson body = spec::to_schema(spec::scenario());
  for (const auto& [k, v] : body.items()) schema[k] = v;
  return schema;
}

} // namespace fleetsim
