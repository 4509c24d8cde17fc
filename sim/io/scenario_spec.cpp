// The scenario table (what a scenario file may contain), the validator and the JSON Schema
// writer that both read it. Adding a key = one line in scenario() below.
#include "sim/io/scenario_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>

#include "policies/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/io/input.hpp"

namespace fleetsim::spec {

using ojson = nlohmann::ordered_json;

namespace {
// Size limits (sim/io/input.hpp, docs/reliability.md) as table bounds.
constexpr double kMaxMilli = static_cast<double>(input::kMaxMilli);
constexpr double kMaxNodes = static_cast<double>(input::kMaxNodes);
constexpr double kMaxSeconds = input::kMaxSeconds;
constexpr double kMaxBatches = static_cast<double>(input::kMaxBatches);
constexpr double kMaxPlanValue = static_cast<double>(input::kMaxPlanValue);
} // namespace

namespace {
Spec of(Type type, std::string description) {
  Spec s;
  s.type = type;
  s.description = std::move(description);
  return s;
}
} // namespace

Spec Spec::min(double v) && { minimum = v; return std::move(*this); }
Spec Spec::above(double v) && { minimum = v; exclusive_min = true; return std::move(*this); }
Spec Spec::max(double v) && { maximum = v; return std::move(*this); }
Spec Spec::def(ojson v) && { default_value = std::move(v); return std::move(*this); }
Spec Spec::not_empty() && { non_empty = true; return std::move(*this); }
Spec Spec::one_of(std::vector<std::string> v) && { choices = std::move(v); return std::move(*this); }
Spec Spec::suggest(std::vector<std::string> v) && { examples = std::move(v); return std::move(*this); }
Spec Spec::exactly_one(std::vector<std::string> keys) && { exactly_one_of = std::move(keys); return std::move(*this); }
Spec Spec::needs_if_positive(std::string key, std::string other) && {
  needed_if_positive.emplace_back(std::move(key), std::move(other));
  return std::move(*this);
}
Spec Spec::unique(std::string key) && { unique_by = std::move(key); return std::move(*this); }

Spec object(std::string d, std::vector<Field> f) {
  Spec s = of(Type::object, std::move(d));
  s.fields = std::move(f);
  return s;
}
Spec map(std::string d) { return of(Type::map, std::move(d)); }
Spec array(std::string d, Spec items) {
  Spec s = of(Type::array, std::move(d));
  s.items = std::make_shared<const Spec>(std::move(items));
  return s;
}
Spec string(std::string d) { return of(Type::string, std::move(d)); }
Spec integer(std::string d) { return of(Type::integer, std::move(d)); }
Spec number(std::string d) { return of(Type::number, std::move(d)); }
Spec boolean(std::string d) { return of(Type::boolean, std::move(d)); }
Field key(std::string name, Spec spec) {
  Field f;
  f.key = std::move(name);
  f.spec = std::move(spec);
  return f;
}

namespace {

/// A pipeline of stages (issue 5); `named` for the templates of workload.pipelines, unnamed
/// when given inline in a job.
Spec pipeline_object(bool named) {
  Spec stage = object("One stage: the request of each of its workers and its work per batch.", {
      key("name", string("Stage name, unique in the pipeline.").not_empty()).required(),
      key("cpu_milli", integer("CPU per worker in milli-cores.").min(0).max(kMaxMilli).def(0)),
      key("memory_mib", integer("Memory per worker in MiB.").min(0).max(kMaxMilli).def(0)),
      key("num_gpu", integer("GPUs per worker (0: a CPU stage); with mig: MIG instances per worker, default 1.")
                         .min(0)
                         .max(64)),
      key("gpu_milli", integer("Milli-GPU of each GPU (default 1000); below 1000 the GPU is shared with other "
                               "work (a fractional GPU).")
                           .min(1)
                           .max(1000)),
      key("mig", string("MIG profile of each GPU instance, e.g. \"1g.5gb\" (needs MIG-enabled nodes).").not_empty()),
      key("gpu_models", array("Allowed GPU models; absent: any.", string("A GPU model name.").not_empty()).not_empty()),
      key("batch_s", number("Seconds one worker takes to process one batch.").min(0).max(kMaxSeconds)).required(),
      key("workers", integer("Parallel workers. Disaggregated: separate allocations, each taking whole batches; "
                             "monolithic: the container holds them all and they split each batch.")
                         .min(1)
                         .max(4096)
                         .def(1)),
  });
  std::vector<Field> fields;
  if (named) fields.push_back(key("name", string("Pipeline name, referred to by jobs' pipeline field.").not_empty()).required());
  fields.push_back(key("batches", integer("Batches a job of this pipeline processes (a job may override it).").min(1).max(kMaxBatches)).required());
  fields.push_back(key("buffer", integer("Batches each buffer between two consecutive stages holds (disaggregated mode).")
                                     .min(1).max(kMaxBatches)
                                     .def(2)));
  fields.push_back(key("arrival_interval_s", number("Batches become available one every this many seconds from the "
                                                    "job's start (request batches of a service); 0: all at once.")
                                                 .min(0).max(kMaxSeconds)
                                                 .def(0)));
  fields.push_back(key("stages", array("Stages in order.", std::move(stage)).not_empty().unique("name")).required());
  return object(named ? "A pipeline template: stages run over batches." : "A pipeline of stages run over batches.",
                std::move(fields));
}

/// Cost model (issue 6): prices and power that are not per node or pool type; defaults and
/// their sources are in the README.
Spec cost_object() {
  auto item = [](std::string d) {
    return object(std::move(d), {
        key("price_usd", number("Purchase price of one, USD.").min(0).max(1e9)),
        key("power_w", number("Power of one, W.").min(0).max(1e7)),
        key("usd_per_hour", number("Cloud pricing: rent of one, USD per hour.").min(0).max(1e6).def(0)),
    });
  };
  Spec gpu = object("Price and power of one GPU model.", {
      key("model", string("GPU model, as in gpu_model.").not_empty()).required(),
      key("price_usd", number("Purchase price of one GPU, USD.").min(0).max(1e9)),
      key("idle_w", number("Power of an idle GPU, W.").min(0).max(1e7)),
      key("busy_w", number("Power of a GPU doing work, W.").min(0).max(1e7)),
  });
  return object("Cost and energy model: owned hardware (price amortized, energy billed) or cloud rent.", {
      key("pricing", string("own: purchase prices amortized over amortization_years plus energy; cloud: "
                            "usd_per_hour of every node and pool type (energy included).")
                         .one_of({"own", "cloud"})
                         .def("own")),
      key("amortization_years", number("Years over which purchases are written off.").above(0).max(100).def(4)),
      key("electricity_usd_per_kwh", number("Electricity price, USD per kWh.").min(0).max(1e3).def(0.08)),
      key("pue", number("Power usage effectiveness: facility energy / IT energy.").min(1).max(10).def(1.58)),
      key("hours_per_month", number("Hours in a month, for usd_per_month.").above(0).max(744).def(730)),
      key("gpus", array("Price and power per GPU model (others: built-in defaults).", std::move(gpu))
                      .not_empty()
                      .unique("model")),
      key("switch", item("Composable: a fabric switch.")),
      key("fabric_port", item("Composable: a server's fabric port (host adapter and cable).")),
  });
}

/// `fleetsim plan`: targets, and per topology what is varied.
Spec plan_object() {
  Spec vary = object("A count the search may change.", {
      key("path", string("Dotted scenario path of an integer, e.g. cluster.nodes.0.count.").not_empty()).required(),
      key("min", integer("Smallest value.").min(0).max(kMaxPlanValue)).required(),
      key("max", integer("Largest value.").min(0).max(kMaxPlanValue)).required(),
      key("step", integer("Values are min, min + step, ... up to max.").min(1).max(kMaxPlanValue).def(1)),
  });
  Spec topology = object("One topology to size: the base scenario with these changes.", {
      key("name", string("Name in the table, unique.").not_empty()).required(),
      key("cluster", map("Replaces the scenario's cluster (before set and vary).")),
      key("set", map("Other overrides, dotted path -> value (as --set).")),
      key("vary", array("Counts searched, minimised in this order (each with the later ones at their max).",
                        std::move(vary))
                      .not_empty())
          .required(),
  });
  return object("fleetsim plan: the cheapest cluster of each topology that meets the targets.", {
      key("targets", array("Conditions every probe must meet: \"METRIC OP VALUE\", OP one of <=, <, >=, >, ==, "
                           "!=, VALUE a number or another metric (\"jobs.completed == jobs.total\").",
                           string("A target.").not_empty())
                         .not_empty())
          .required(),
      key("topologies", array("Topologies to size.", std::move(topology)).not_empty().unique("name")).required(),
      key("max_probes", integer("Most simulation runs per topology.").min(1).max(256).def(12)),
  });
}

Spec build_scenario() {
  Spec node = object("One kind of server and how many of them.", {
      key("name", string("Node type name, unique in the cluster.").not_empty()).required(),
      key("count", integer("How many nodes of this type.").min(1).max(kMaxNodes).def(1)),
      key("cpu_milli", integer("CPU per node in milli-cores (1000 = one core).").min(0).max(kMaxMilli)).required(),
      key("memory_mib", integer("Memory per node in MiB.").min(0).max(kMaxMilli)).required(),
      key("gpus", integer("GPUs per node.").min(0).max(64).def(0)),
      key("gpu_model", string("GPU model of the node, e.g. \"A100\"; required when gpus > 0.").not_empty()),
      key("fabric_ports", integer("Composable: fabric ports, the most pooled GPUs attached at once.").min(0).max(64).def(0)),
      key("switch", string("Composable: the fabric switch the ports connect to; required when fabric_ports > 0.")
                        .not_empty()),
      key("mig", boolean("MIG mode on these GPUs: they serve only MIG instance requests, partitioned on demand by "
                         "the geometry of gpu_model (built in or in mig_models).")
                     .def(false)),
      key("price_usd", number("Cost: purchase price of one server without its GPUs, USD (default from its CPU and "
                              "memory; README).").min(0).max(1e9)),
      key("idle_w", number("Cost: server power without GPUs when nothing is allocated, W.").min(0).max(1e7)),
      key("busy_w", number("Cost: server power without GPUs with all CPU allocated, W (linear in between).").min(0).max(1e7)),
      key("usd_per_hour", number("Cost, cloud pricing: rent of one such instance, GPUs included, USD per hour.").min(0).max(1e6)),
  }).needs_if_positive("gpus", "gpu_model").needs_if_positive("fabric_ports", "switch");

  Spec pool = object("Composable: a kind of GPU chassis and how many of them.", {
      key("name", string("Pool type name, unique; chassis i is named <name>-<i>.").not_empty()).required(),
      key("count", integer("How many chassis of this type.").min(1).max(kMaxNodes).def(1)),
      key("gpus", integer("GPUs per chassis.").min(1).max(4096)).required(),
      key("gpu_model", string("GPU model in the chassis.").not_empty()).required(),
      key("uplink_bandwidth_Bps", number("Bandwidth of each chassis' uplink to its switches, bytes/s per direction "
                                         "(default: PCIe Gen5 x16, 63 GB/s).")
                                      .above(0).max(1e15)
                                      .def(63e9)),
      key("price_usd", number("Cost: purchase price of one chassis without its GPUs, USD.").min(0).max(1e9)),
      key("power_w", number("Cost: power of one chassis without its GPUs, W.").min(0).max(1e7)),
      key("usd_per_hour", number("Cost, cloud pricing: rent of one chassis with its GPUs, USD per hour.").min(0).max(1e6)),
  });

  Spec fabric_switch = object("Composable: a fabric switch; servers connect to it and reach its pools.", {
      key("name", string("Switch name, unique.").not_empty()).required(),
      key("pools", array("Pool types (by name) whose chassis this switch reaches.", string("A pool type name.")
                                                                                        .not_empty())
                       .not_empty())
          .required(),
  });

  Spec links = object("Link speeds and composition times; defaults and sources are in the README.", {
      key("nvlink_bandwidth_Bps", number("GPU NVLink port, bytes/s per direction.").above(0).max(1e15).def(300e9)),
      key("nvlink_latency_s", number("NVLink hop latency, s.").min(0).max(kMaxSeconds).def(1e-6)),
      key("nic_bandwidth_Bps", number("Server NIC, bytes/s per direction.").above(0).max(1e15).def(25e9)),
      key("nic_latency_s", number("NIC latency, s.").min(0).max(kMaxSeconds).def(2e-6)),
      key("port_bandwidth_Bps", number("Fabric port / chassis GPU slot (PCIe x16), bytes/s per direction.").above(0).max(1e15).def(31.5e9)),
      key("port_latency_s", number("Fabric switch hop latency, s.").min(0).max(kMaxSeconds).def(1e-7)),
      key("attach_s", number("Time to attach pooled GPUs to a server, s.").min(0).max(kMaxSeconds).def(5)),
      key("detach_s", number("Extra time when idle GPUs must first be detached from another server, s.").min(0).max(kMaxSeconds).def(2)),
  });

  Spec mig_profile = object("A MIG GPU-instance profile.", {
      key("name", string("Profile name, e.g. \"1g.10gb\" (a \"+me\" suffix: at most one per GPU).").not_empty()).required(),
      key("compute_slices", integer("Compute slices it takes.").min(1).max(16)).required(),
      key("memory_slices", integer("Memory slices it spans.").min(1).max(16)).required(),
      key("starts", array("Allowed first memory slice of an instance.", integer("A memory slice index.").min(0).max(15))
                        .not_empty())
          .required(),
      key("memory_mib", integer("Memory of an instance in MiB.").min(0).max(kMaxMilli).def(0)),
      key("max_instances", integer("Most instances per GPU; 0: as many as fit.").min(0).max(64).def(0)),
  });
  Spec mig_model = object("MIG geometry of a GPU model that is not built in (or replacing a built-in one).", {
      key("model", string("GPU model name, as in gpu_model.").not_empty()).required(),
      key("memory_slices", integer("Memory slices of the GPU.").min(1).max(16)).required(),
      key("compute_slices", integer("Compute slices of the GPU.").min(1).max(16)).required(),
      key("profiles", array("Its profiles.", std::move(mig_profile)).not_empty().unique("name")).required(),
  });

  Spec cluster = object("The servers: node types, or a node-list file (exactly one of the two).", {
      key("topology", string("static: servers own their GPUs. composable: GPUs also sit in pools (chassis) behind "
                             "fabric switches and are attached to servers on demand.")
                          .one_of({"static", "composable"})
                          .def("static")),
      key("nodes", array("Node types; node ids follow this order.", std::move(node)).not_empty().unique("name")),
      key("pools", array("Composable: GPU chassis types.", std::move(pool)).not_empty().unique("name")),
      key("switches", array("Composable: fabric switches.", std::move(fabric_switch)).not_empty().unique("name")),
      key("links", std::move(links)),
      key("node_list", string("Node-list file, one row per server, relative to the scenario file's folder.")
                           .not_empty()),
      key("format", string("Node-list format: alibaba-v2023 (sn,cpu_milli,memory_mib,gpu,model), helios "
                           "(cluster_gpu_number.csv: VC sizes), philly (cluster_machine_list), pai-2020 "
                           "(pai_machine_spec.csv), alibaba-2026-spot (node_info_df.csv).")
                        .one_of({"alibaba-v2023", "helios", "philly", "pai-2020", "alibaba-2026-spot"})
                        .def("alibaba-v2023"))
          .needs("node_list"),
      key("mig_models", array("MIG geometries beyond the built-in A30-24GB, A100-40GB, A100-80GB, H100-80GB, H100-94GB "
                              "and H200-141GB.",
                              std::move(mig_model))
                            .not_empty()
                            .unique("model")),
  }).exactly_one({"nodes", "node_list"});

  Spec workload = object("The jobs: a trace file or inline jobs (exactly one of the two).", {
      key("trace", string("Trace file, relative to the scenario file's folder.").not_empty()),
      key("format", string("Trace format; when absent, inferred from the extension (.csv, .jsonl, .ndjson). "
                           "alibaba-v2023: an Alibaba cluster-trace-gpu-v2023 pod list. The public traces of "
                           "docs/traces.md: helios, philly, pai-2020, acme, swf, alibaba-2025-dlrm, alibaba-2026-spot.")
                        .one_of({"csv", "jsonl", "alibaba-v2023", "helios", "philly", "pai-2020", "acme", "swf",
                                 "alibaba-2025-dlrm", "alibaba-2026-spot"}))
          .needs("trace"),
      key("more_traces", array("Further files of the same trace, read after trace (pai-2020: pai_job_table.csv "
                               "beside pai_task_table.csv; helios, acme: more clusters' logs).",
                               string("A file, relative to the scenario file's folder.").not_empty()))
          .needs("trace"),
      key("window", object("Keep jobs submitted in [start_s, end_s), seconds from the trace's origin (fleetsim "
                           "import prints it); their submit times then count from start_s.", {
                               key("start_s", number("Window start, seconds from the trace's origin.").min(0).max(kMaxSeconds)).required(),
                               key("end_s", number("Window end (excluded); absent: the trace's end.").above(0).max(kMaxSeconds)),
                           }))
          .needs("trace"),
      key("vc", string("Keep only this virtual cluster (helios, philly: vc; swf: queue number; alibaba-2025-dlrm: "
                       "app_name; alibaba-2026-spot: organization).")
                    .not_empty())
          .needs("trace"),
      key("sample", number("Keep each job with this probability, by a hash of its id and sample_seed.").above(0).max(1))
          .needs("trace"),
      key("sample_seed", integer("Seed of sample (default: the scenario's seed).").min(0)).needs("sample"),
      key("time_scale", number("Multiply submit times by this (after the window): below 1 compresses arrivals (more "
                               "load), above 1 stretches them. Durations are kept.")
                            .above(0)
                            .max(1e6))
          .needs("trace"),
      key("jobs", array("Inline jobs.", map("A job with the fields of a native trace row: id, kind, submit_s, "
                                            "duration_s, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_models, "
                                            "priority, pipeline, mode, batches, num_nodes, mig."))
                      .not_empty()
                      .unique("id")),
      key("horizon_s", number("Simulated time at which the run stops, in seconds.").above(0).max(kMaxSeconds)),
      key("unplaceable", string("A job no node could ever hold: error (a located input error, the default for native "
                                "traces and inline jobs) or count (reported unplaceable at arrival, the default "
                                "for alibaba-v2023 pod lists and the imported public traces).")
                             .one_of({"error", "count"})),
      key("mode", string("replay: jobs arrive at submit_s and leave after duration_s (SimGrid-driven). fill: the "
                         "FGD paper's experiment, jobs submitted one at a time with no departures.")
                      .one_of({"replay", "fill"})
                      .def("replay")),
      key("pipelines", array("Pipeline templates jobs refer to by name (their pipeline field).",
                             pipeline_object(true))
                           .not_empty()
                           .unique("name")),
      key("pipeline_mode", string("Execution mode of pipeline jobs that do not set their own: monolithic (one "
                                  "container, stages one after the other) or disaggregated (stages scheduled "
                                  "separately, overlapping through bounded buffers).")
                               .one_of({"monolithic", "disaggregated"})
                               .def("monolithic")),
      key("fill", object("Fill experiment settings (mode fill).", {
                      key("ratio", number("Sample jobs with replacement until their GPU request reaches ratio x "
                                          "the cluster's GPU capacity.")
                                       .above(0)
                                       .max(100)
                                       .def(1.3)),
                      key("shuffle", boolean("Shuffle the original jobs by the seed before sampling.").def(true)),
                  })),
  }).exactly_one({"trace", "jobs"});

  Spec shape = object("One task shape of the fragmentation target workload.", {
      key("cpu_milli", integer("CPU in milli-cores.").min(0).max(kMaxMilli).def(0)),
      key("num_gpu", integer("GPUs.").min(0).max(64).def(0)),
      key("gpu_milli", integer("Milli-GPU per GPU (0 when num_gpu is 0).").min(0).max(1000).def(0)),
      key("gpu_models", string("Allowed GPU models, |-separated; empty or absent: any.")),
      key("weight", number("Popularity; weights are renormalised to sum to 1.").min(0).max(1e9)).required(),
  });

  Spec fragmentation = object("Target workload of the fragmentation metric (FGD, Weng et al. ATC'23).", {
      key("target", array("Explicit task shapes; when absent, the workload's most popular shapes are used.",
                          std::move(shape))
                        .not_empty()),
      key("coverage_pct", number("Popular shapes are taken until they cover this percentage of jobs.")
                              .above(0)
                              .max(100)
                              .def(95)),
      key("include_cpu_only", boolean("Count CPU-only jobs among the popular shapes.").def(true)),
  });

  Spec metrics = object("How the run is measured.", {
      key("window", object("Measure only [start, end): every integral (allocation, busy, fragmentation, stranded, "
                           "cost) and every job statistic (jobs submitted in the window) is restricted to it. "
                           "Default: the whole run.", {
          key("start_s", number("Window start, simulated seconds (not with warmup_s).").min(0).max(kMaxSeconds)),
          key("end_s", number("Window end, simulated seconds; capped at the run's end (not with drain: \"exclude\").")
                           .above(0).max(kMaxSeconds)),
          key("warmup_s", number("Skip this many seconds from the start (same as start_s).").min(0).max(kMaxSeconds)),
          key("drain", string("\"exclude\": end the window at the last job arrival (the drain after it is not "
                              "measured); \"include\": measure until the run's end.")
                           .one_of({"include", "exclude"})
                           .def("include")),
      }))
  });

  Spec policy = object("How jobs are ordered and placed.", {
      key("queue", string("Queue policy (fleetsim policies lists them).")
                       .not_empty().suggest(policies::queue_names()).def("fifo")),
      key("placement", string("Placement policy (fleetsim policies lists them).")
                           .not_empty().suggest(policies::placement_names()).def("first-fit")),
      key("params", map("Policy parameters; each policy documents the keys it accepts.").def(ojson::object())),
  });

  Spec cost = cost_object();
  Spec plan = plan_object();

  Spec outputs = object("Files a run writes.", {
      key("dir", string("Output folder, relative to the current directory; empty or absent: no files.")),
      key("jobs_csv", boolean("Write jobs.csv (one row per job).").def(true)),
      key("timeseries_csv", boolean("Write timeseries.csv (cluster state at every change).").def(true)),
      key("report_html", boolean("Write report.html (key metrics and charts; fleetsim run).").def(true)),
  });

  return object("A fleetsim scenario: a cluster, a workload and the policies that schedule it.", {
      key("name", string("Scenario name, used in reports.").not_empty()).required(),
      key("description", string("Free text.")),
      key("tags", array("Labels, e.g. \"slow\": fleetsim check --suite (CI) skips slow scenarios.",
                        string("A tag.").not_empty())),
      key("seed", integer("Seed of every random choice in the run.").min(0).def(42)),
      key("cluster", std::move(cluster)).required(),
      key("workload", std::move(workload)).required(),
      key("policy", std::move(policy)),
      key("fragmentation", std::move(fragmentation)),
      key("metrics", std::move(metrics)),
      key("outputs", std::move(outputs)),
      key("cost", std::move(cost)),
      key("plan", std::move(plan)),
  });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Edit distance counting a swap of two neighbours as one edit ("nmae" -> "name" is 1).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::string quoted_list(const std::vector<std::string>& v, const char* last_sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i)
    s += (i == 0 ? "" : i + 1 == v.size() ? last_sep : ", ") + ('"' + v[i] + '"');
  return s;
}

std::string num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
  return ojson(v).dump();
}

/// "did you mean" for an unknown key: the closest allowed key by edit distance (case-blind),
/// else one the key is a prefix of (or vice versa); ties go to the first in table order.
std::string unknown_key(const std::string& k, const Spec& s) {
  const Field* best = nullptr;
  std::size_t best_score = 99;
  for (const auto& f : s.fields) {
    if (k.size() > 64) break;  // no suggestion for a hostile key (the distance is quadratic)
    std::string a = lower(k), b = lower(f.key);
    std::size_t d = edit_distance(a, b), limit = b.size() <= 4 ? 1 : 2;
    std::size_t score = d <= limit ? d : 99;
    bool prefix = std::min(a.size(), b.size()) >= 3 && (a.starts_with(b) || b.starts_with(a));
    if (score == 99 && prefix) score = 3;
    if (score < best_score) best = &f, best_score = score;
  }
  if (best) return "unknown key; did you mean \"" + best->key + "\"?";
  std::string keys;
  for (const auto& f : s.fields) keys += (keys.empty() ? "" : ", ") + f.key;
  return "unknown key; allowed keys: " + keys;
}

/// What a value of `s` must be, as the message says it ("a non-negative integer").
std::string expected(const Spec& s) {
  switch (s.type) {
    case Type::object:
    case Type::map: return "an object";
    case Type::array: return s.non_empty ? "a non-empty array" : "an array";
    case Type::boolean: return "true or false";
    case Type::string:
      if (!s.choices.empty()) return "one of " + quoted_list(s.choices, ", ");
      return s.non_empty ? "a non-empty string" : "a string";
    case Type::integer:
    case Type::number: break;
  }
  std::string noun = s.type == Type::integer ? "integer" : "number";
  if (!s.minimum) return (s.type == Type::integer ? "an " : "a ") + noun;
  if (*s.minimum == 0) return (s.exclusive_min ? "a positive " : "a non-negative ") + noun;
  if (*s.minimum == 1 && s.type == Type::integer && !s.exclusive_min) return "a positive integer";
  return (s.type == Type::integer ? "an " : "a ") + noun + (s.exclusive_min ? " > " : " >= ") + num(*s.minimum);
}

class Validator {
public:
  explicit Validator(const std::string& label) : label_(label) {}

  void check(ojson& v, const Spec& s, const std::string& ptr) const {
    switch (s.type) {
      case Type::object: check_object(v, s, ptr); break;
      case Type::map: expect(v.is_object(), v, s, ptr); break;
      case Type::array: check_array(v, s, ptr); break;
      case Type::boolean: expect(v.is_boolean(), v, s, ptr); break;
      case Type::string:
        expect(v.is_string(), v, s, ptr);
        expect(!s.non_empty || !v.get_ref<const std::string&>().empty(), v, s, ptr);
        expect(s.choices.empty() || std::find(s.choices.begin(), s.choices.end(), v.get<std::string>()) !=
                                        s.choices.end(), v, s, ptr);
        break;
      case Type::integer:
      case Type::number: check_number(v, s, ptr); break;
    }
  }

private:
  const std::string& label_;

  [[noreturn]] void fail(const std::string& ptr, const std::string& what) const {
    throw InputError(located(label_, ptr, what));
  }
  void expect(bool ok, const ojson& v, const Spec& s, const std::string& ptr) const {
    if (!ok) fail(ptr, "expected " + expected(s) + ", got " + brief(v));
  }

  void check_object(ojson& v, const Spec& s, const std::string& ptr) const {
    expect(v.is_object(), v, s, ptr);
    for (auto item : v.items()) {
      const std::string& k = item.key();
      ojson& child = item.value();
      std::string at = ptr + "/" + pointer_token(k.size() > 60 ? k.substr(0, 60) + "..." : k);
      auto f = std::find_if(s.fields.begin(), s.fields.end(), [&](const Field& g) { return g.key == k; });
      if (f == s.fields.end()) fail(at, unknown_key(k, s));
      if (!f->only_with.empty() && !v.contains(f->only_with))
        fail(at, "allowed only together with \"" + f->only_with + "\"");
      check(child, f->spec, at);
    }
    for (const auto& f : s.fields)
      if (f.is_required && !v.contains(f.key)) fail(ptr + "/" + f.key, "required key is missing");
    if (!s.exactly_one_of.empty()) {
      auto n = std::count_if(s.exactly_one_of.begin(), s.exactly_one_of.end(),
                             [&](const std::string& k) { return v.contains(k); });
      if (n != 1) fail(ptr, "expected exactly one of " + quoted_list(s.exactly_one_of, " or "));
    }
    for (const auto& [k, other] : s.needed_if_positive)
      if (v.contains(k) && v[k].get<double>() > 0 && !v.contains(other))
        fail(ptr + "/" + other, "required key is missing when " + k + " > 0");
    for (const auto& f : s.fields) {
      if (v.contains(f.key)) continue;
      if (!f.spec.default_value.is_null()) {
        v[f.key] = f.spec.default_value;
      } else if (f.spec.type == Type::object && f.spec.exactly_one_of.empty() &&
                 std::none_of(f.spec.fields.begin(), f.spec.fields.end(), [](const Field& g) { return g.is_required; })) {
        v[f.key] = ojson::object();
        check(v[f.key], f.spec, ptr + "/" + f.key);
      }
    }
  }

  void check_array(ojson& v, const Spec& s, const std::string& ptr) const {
    expect(v.is_array() && (!s.non_empty || !v.empty()), v, s, ptr);
    std::map<std::string, std::size_t> seen;  // unique_by value (dumped) -> first index
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string at = ptr + "/" + std::to_string(i);
      check(v[i], *s.items, at);
      if (s.unique_by.empty() || !v[i].is_object() || !v[i].contains(s.unique_by)) continue;
      const ojson& id = v[i][s.unique_by];
      auto [it, fresh] = seen.emplace(id.dump(), i);
      if (!fresh)
        fail(at + "/" + s.unique_by, "duplicate " + s.unique_by + " " + brief(id) + " (first at " + ptr + "/" +
                                         std::to_string(it->second) + ")");
    }
  }

  void check_number(ojson& v, const Spec& s, const std::string& ptr) const {
    bool integral_float = v.is_number_float() && std::isfinite(v.get<double>()) &&
                          std::floor(v.get<double>()) == v.get<double>() && std::fabs(v.get<double>()) < 9e15;
    if (s.type == Type::integer) {
      expect(v.is_number_integer() || integral_float, v, s, ptr);
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
        fail(ptr, "expected an integer <= " + std::to_string(std::numeric_limits<std::int64_t>::max()) + ", got " +
                      brief(v));
      if (integral_float) v = static_cast<std::int64_t>(v.get<double>());
    } else {
      expect(v.is_number() && std::isfinite(v.get<double>()), v, s, ptr);
    }
    double x = v.get<double>();
    if (s.minimum) expect(s.exclusive_min ? x > *s.minimum : x >= *s.minimum, v, s, ptr);
    if (s.maximum && x > *s.maximum)
      fail(ptr, std::string("expected ") + (s.type == Type::integer ? "an integer" : "a number") + " <= " +
                    num(*s.maximum) + ", got " + brief(v));
  }
};

} // namespace

const Spec& scenario() {
  static const Spec root = build_scenario();
  return root;
}

const Spec& inline_pipeline() {
  static const Spec p = pipeline_object(false);
  return p;
}

ojson validate(const ojson& doc, const Spec& spec, const std::string& label) {
  ojson out = doc;
  Validator(label).check(out, spec, "");
  return out;
}

ojson to_schema(const Spec& s) {
  static const char* const type_names[] = {"object", "object", "array", "string", "integer", "number", "boolean"};
  ojson j;
  j["type"] = type_names[static_cast<int>(s.type)];
  if (!s.description.empty()) j["description"] = s.description;
  auto bound = [](double v) { return std::floor(v) == v ? ojson(static_cast<std::int64_t>(v)) : ojson(v); };
  switch (s.type) {
    case Type::string:
      if (s.non_empty) j["minLength"] = 1;
      if (!s.choices.empty()) j["enum"] = s.choices;
      if (!s.examples.empty()) j["examples"] = s.examples;
      break;
    case Type::integer:
    case Type::number:
      if (s.minimum) j[s.exclusive_min ? "exclusiveMinimum" : "minimum"] = bound(*s.minimum);
      if (s.maximum) j["maximum"] = bound(*s.maximum);
      break;
    case Type::array:
      if (s.non_empty) j["minItems"] = 1;
      j["items"] = to_schema(*s.items);
      break;
    case Type::object: {
      ojson props = ojson::object(), required = ojson::array(), dependent = ojson::object();
      for (const auto& f : s.fields) {
        props[f.key] = to_schema(f.spec);
        if (f.is_required) required.push_back(f.key);
        if (!f.only_with.empty()) dependent[f.key] = ojson::array({f.only_with});
      }
      j["properties"] = props;
      if (!required.empty()) j["required"] = required;
      j["additionalProperties"] = false;
      if (!dependent.empty()) j["dependentRequired"] = dependent;
      if (!s.exactly_one_of.empty()) {
        ojson one_of = ojson::array();
        for (const auto& k : s.exactly_one_of) one_of.push_back(ojson{{"required", ojson::array({k})}});
        j["oneOf"] = one_of;
      }
      for (const auto& [k, other] : s.needed_if_positive) {  // "other is required when k > 0"
        ojson when;
        when["properties"][k]["exclusiveMinimum"] = 0;
        when["required"] = ojson::array({k});
        ojson rule;
        rule["if"] = when;
        rule["then"]["required"] = ojson::array({other});
        j["allOf"].push_back(rule);
      }
      break;
    }
    case Type::map:
    case Type::boolean: break;
  }
  if (!s.default_value.is_null()) j["default"] = s.default_value;
  return j;
}

std::string located(const std::string& label, const std::string& pointer, const std::string& what) {
  return label + ": " + (pointer.empty() ? "" : pointer + ": ") + what;
}

std::string brief(const ojson& v) {
  std::string s = v.dump(-1, ' ', false, ojson::error_handler_t::replace);
  if (s.size() <= 80) return s;
  std::size_t n = 77;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 character
  return s.substr(0, n) + "...";
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

} // namespace fleetsim::spec
