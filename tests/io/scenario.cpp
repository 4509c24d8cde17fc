// Scenario files: validation messages (exact text), defaults, --set overrides, and the
// published JSON Schema (committed file, and agreement with the validator).
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "policies/registry.hpp"
#include "sim/common/error.hpp"
#include "sim/io/scenario.hpp"

using namespace fleetsim;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

const std::string kDir = FLEETSIM_SOURCE_DIR "/tests/data/scenarios";

json read_json(const std::string& file) {
  std::ifstream in(file);
  REQUIRE(in);
  return json::parse(in);
}

/// A small valid document (the fixture minimal.json).
json minimal() { return read_json(kDir + "/minimal.json"); }

/// The message scenario_from_json throws for `doc`, or "(valid)".
std::string error_of(const json& doc) {
  try {
    (void)scenario_from_json(doc, "scenario.json", kDir);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(valid)";
}

std::string load_error(const std::string& file, const std::vector<std::string>& overrides = {}) {
  try {
    (void)load_scenario(file, overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(valid)";
}

std::string override_error(const std::string& assignment) {
  json doc = minimal();
  try {
    apply_override(doc, assignment);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(applied)";
}

/// `doc` with the value at `pointer` set to `value`.
json with(json doc, const std::string& pointer, const json& value) {
  doc[json::json_pointer(pointer)] = value;
  return doc;
}

/// `doc` without the key at `pointer`.
json without(json doc, const std::string& pointer) {
  json::json_pointer p(pointer);
  doc[p.parent_pointer()].erase(p.back());
  return doc;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

} // namespace

TEST_CASE("a valid scenario converts, defaults filled") {
  const std::string file = kDir + "/minimal.json";
  Scenario s = load_scenario(file);
  CHECK(s.name == "minimal");
  CHECK(s.source == file);
  CHECK(s.seed == 42);
  REQUIRE(s.cluster.node_types.size() == 1);
  const NodeTypeSpec& n = s.cluster.node_types[0];
  CHECK(n.name == "a100");
  CHECK(n.count == 1);
  CHECK(n.cpu_milli == 64000);
  CHECK(n.memory_mib == 262144);
  CHECK(n.gpus == 8);
  CHECK(n.gpu_model == "A100");
  CHECK(s.workload.trace == std::filesystem::path(kDir + "/data/tiny.csv").lexically_normal());
  CHECK(s.workload.format == "csv");
  CHECK(s.workload.inline_jobs.is_null());
  CHECK_FALSE(s.workload.horizon_s.has_value());
  CHECK(s.policy.queue == "fifo");
  CHECK(s.policy.placement == "first-fit");
  CHECK(s.policy.params == json::object());
  CHECK(s.outputs.dir.empty());
  CHECK(s.outputs.jobs_csv);
  CHECK(s.outputs.timeseries_csv);
  CHECK(s.raw == read_json(file));  // as written: defaults are not added to raw
}

TEST_CASE("every key of the format converts") {
  Scenario s = load_scenario(kDir + "/full-trace.json");
  CHECK(s.name == "full-trace");
  CHECK(s.seed == 7);
  REQUIRE(s.cluster.node_types.size() == 3);
  CHECK(s.cluster.node_types[0].count == 4);
  CHECK(s.cluster.node_types[1].gpu_model == "T4");
  CHECK(s.cluster.node_types[2].gpus == 0);
  CHECK(s.cluster.node_types[2].gpu_model.empty());
  CHECK(s.workload.format == "csv");
  CHECK(s.workload.horizon_s == 86400.0);
  CHECK(s.policy.queue == "fifo-skip");
  CHECK(s.policy.placement == "best-fit");
  CHECK(s.policy.params == json{{"weight_gpu", 2}});
  CHECK(s.outputs.dir == "out/full-trace");  // as given: relative to the current directory
  CHECK_FALSE(s.outputs.jobs_csv);
  CHECK(s.outputs.timeseries_csv);

  Scenario j = load_scenario(kDir + "/full-jobs.json");
  CHECK(j.workload.trace.empty());
  CHECK(j.workload.format.empty());
  REQUIRE(j.workload.inline_jobs.size() == 2);
  CHECK(j.workload.inline_jobs[1]["id"] == "j2");
}

TEST_CASE("wrong types and out-of-range values name the pointer, the expectation and the value") {
  const json d = minimal();
  CHECK(error_of(with(d, "/cluster/nodes/0/gpus", "eight")) ==
        R"(scenario.json: /cluster/nodes/0/gpus: expected a non-negative integer, got "eight")");
  CHECK(error_of(with(d, "/cluster/nodes/0/cpu_milli", -5)) ==
        "scenario.json: /cluster/nodes/0/cpu_milli: expected a non-negative integer, got -5");
  CHECK(error_of(with(d, "/cluster/nodes/0/count", 0)) ==
        "scenario.json: /cluster/nodes/0/count: expected a positive integer, got 0");
  CHECK(error_of(with(d, "/cluster/nodes/0/count", 2.5)) ==
        "scenario.json: /cluster/nodes/0/count: expected a positive integer, got 2.5");
  CHECK(error_of(with(d, "/cluster/nodes/0/gpus", 65)) ==
        "scenario.json: /cluster/nodes/0/gpus: expected an integer <= 64, got 65");
  CHECK(error_of(with(d, "/seed", -1)) == "scenario.json: /seed: expected a non-negative integer, got -1");
  CHECK(error_of(with(d, "/workload/horizon_s", 0)) ==
        "scenario.json: /workload/horizon_s: expected a positive number, got 0");
  CHECK(error_of(with(d, "/name", "")) == R"(scenario.json: /name: expected a non-empty string, got "")");
  CHECK(error_of(with(d, "/outputs", json{{"jobs_csv", "yes"}})) ==
        R"(scenario.json: /outputs/jobs_csv: expected true or false, got "yes")");
  CHECK(error_of(with(d, "/cluster/nodes", json::array())) ==
        "scenario.json: /cluster/nodes: expected a non-empty array, got []");
  CHECK(error_of(with(d, "/policy", json{{"params", json::array({1, 2})}})) ==
        "scenario.json: /policy/params: expected an object, got [1,2]");
  CHECK(error_of(json::array({1})) == "scenario.json: expected an object, got [1]");
  CHECK(error_of(with(d, "/description", std::vector<int>(40, 1000))) ==
        "scenario.json: /description: expected a string, got "
        "[1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1000,1...");
}

TEST_CASE("integral floats are integers") {
  Scenario s = scenario_from_json(with(minimal(), "/cluster/nodes/0/count", 3.0), "scenario.json", kDir);
  CHECK(s.cluster.node_types[0].count == 3);
}

TEST_CASE("missing and unknown keys") {
  const json d = minimal();
  CHECK(error_of(without(d, "/name")) == "scenario.json: /name: required key is missing");
  CHECK(error_of(without(d, "/cluster/nodes/0/memory_mib")) ==
        "scenario.json: /cluster/nodes/0/memory_mib: required key is missing");
  CHECK(error_of(with(d, "/policy", json{{"placment", "best-fit"}})) ==
        R"(scenario.json: /policy/placment: unknown key; did you mean "placement"?)");
  CHECK(error_of(with(d, "/policy", json{{"strategy", "x"}})) ==
        "scenario.json: /policy/strategy: unknown key; allowed keys: queue, placement, params");
  CHECK(error_of(with(d, "/cluster/nodes/0/memory", 1)) ==
        R"(scenario.json: /cluster/nodes/0/memory: unknown key; did you mean "memory_mib"?)");
  CHECK(error_of(with(d, "/Name", "x")) == R"(scenario.json: /Name: unknown key; did you mean "name"?)");
  CHECK(error_of(with(d, "/a~1b", 1)) ==
        "scenario.json: /a~1b: unknown key; allowed keys: name, description, tags, seed, cluster, workload, "
        "policy, fragmentation, metrics, outputs, cost, plan");
}

TEST_CASE("the first error in document order is reported") {
  // The file has workload before cluster, each with an error; scenario_from_json on a
  // nlohmann::json sees keys sorted, load_scenario sees them as written.
  CHECK(load_error(kDir + "/document-order.json") ==
        kDir + "/document-order.json: /workload/trace: expected a non-empty string, got 5");
  // Within an object, present keys are checked before missing ones are reported.
  CHECK(error_of(without(with(minimal(), "/nmae", "x"), "/name")) ==
        R"(scenario.json: /nmae: unknown key; did you mean "name"?)");
}

TEST_CASE("workload: exactly one of trace and jobs, format, trace file") {
  const json d = minimal();
  const json jobs = read_json(kDir + "/full-jobs.json")["workload"]["jobs"];
  CHECK(error_of(with(d, "/workload/jobs", jobs)) ==
        R"(scenario.json: /workload: expected exactly one of "trace" or "jobs")");
  CHECK(error_of(with(d, "/workload", json{{"horizon_s", 10}})) ==
        R"(scenario.json: /workload: expected exactly one of "trace" or "jobs")");
  CHECK(error_of(with(d, "/workload/format", "parquet")) ==
        R"(scenario.json: /workload/format: expected one of "csv", "jsonl", "alibaba-v2023", "helios", "philly", "pai-2020", "acme", "swf", "alibaba-2025-dlrm", "alibaba-2026-spot", got "parquet")");
  CHECK(error_of(with(d, "/workload", json{{"jobs", jobs}, {"format", "csv"}})) ==
        R"(scenario.json: /workload/format: allowed only together with "trace")");
  CHECK(error_of(with(d, "/workload/trace", "data/missing.csv")) ==
        "scenario.json: /workload/trace: file not found: " + kDir + "/data/missing.csv");
  CHECK(error_of(with(d, "/workload/trace", "../scenarios/./data/missing.csv")) ==
        "scenario.json: /workload/trace: file not found: " + kDir + "/data/missing.csv");
  CHECK(error_of(with(d, "/workload/trace", "data")) ==
        "scenario.json: /workload/trace: is a directory, expected a file: " + kDir + "/data");
  CHECK(error_of(with(d, "/workload/trace", "data/README.md")) ==
        R"(scenario.json: /workload/format: required key is missing (cannot infer it from "data/README.md"; )"
        "known extensions: .csv, .jsonl, .ndjson)");
  Scenario s = scenario_from_json(with(with(d, "/workload/trace", "data/README.md"), "/workload/format", "jsonl"),
                                  "scenario.json", kDir);
  CHECK(s.workload.format == "jsonl");
}

TEST_CASE("inline jobs are checked by the trace reader's job_from_json") {
  json d = read_json(kDir + "/full-jobs.json");
  CHECK(error_of(with(d, "/workload/jobs/1/gpu_models", "H100"))
            .starts_with(R"(scenario.json: /workload/jobs/1/gpu_models: unknown GPU model "H100")"));
  CHECK(error_of(with(d, "/workload/jobs/0/num_gpu", "four")).starts_with("scenario.json: /workload/jobs/0/num_gpu: "));
  CHECK(error_of(with(d, "/workload/jobs/1/id", "j1")) ==
        R"(scenario.json: /workload/jobs/1/id: duplicate id "j1" (first at /workload/jobs/0))");
  CHECK(error_of(with(d, "/workload/jobs", json::array())) ==
        "scenario.json: /workload/jobs: expected a non-empty array, got []");
}

TEST_CASE("cluster: unique node names, gpu_model when gpus > 0") {
  const json d = read_json(kDir + "/full-trace.json");
  CHECK(error_of(with(d, "/cluster/nodes/2/name", "dgx-a100")) ==
        R"(scenario.json: /cluster/nodes/2/name: duplicate name "dgx-a100" (first at /cluster/nodes/0))");
  CHECK(error_of(without(d, "/cluster/nodes/1/gpu_model")) ==
        "scenario.json: /cluster/nodes/1/gpu_model: required key is missing when gpus > 0");
  // gpu_model is optional without GPUs, and ignored when given.
  Scenario s = scenario_from_json(with(d, "/cluster/nodes/2/gpu_model", "A100"), "scenario.json", kDir);
  CHECK(s.cluster.node_types[2].gpu_model.empty());
  // A CPU-only cluster is legal.
  json cpu = with(minimal(), "/cluster/nodes/0/gpus", 0);
  CHECK(error_of(without(cpu, "/cluster/nodes/0/gpu_model")) == "(valid)");
}

TEST_CASE("policy names and params are checked by the registry") {
  const json d = minimal();
  CHECK(error_of(with(d, "/policy", json{{"placement", "bestfit"}})) ==
        R"(scenario.json: /policy/placement: unknown placement policy "bestfit"; valid names: )" +
            joined(policies::placement_names()));
  CHECK(error_of(with(d, "/policy", json{{"queue", "lifo"}})) ==
        R"(scenario.json: /policy/queue: unknown queue policy "lifo"; valid names: )" + joined(policies::queue_names()));
  CHECK(error_of(with(d, "/policy", json{{"params", {{"wieght_gpu", 1}}}}))
            .starts_with("scenario.json: /policy/params/wieght_gpu: "));
}

TEST_CASE("file errors") {
  const std::string missing = kDir + "/no-such-file.json";
  CHECK(load_error(missing) == missing + ": cannot open file");
  CHECK(load_error(kDir) == kDir + ": is a directory, expected a file");
  const std::string malformed = kDir + "/malformed.json";
  CHECK(load_error(malformed) == malformed + ":4:1: malformed JSON: unexpected '}'; expected string literal");
}

TEST_CASE("apply_override: VALUE is JSON when it parses, else a string") {
  json d = minimal();
  apply_override(d, "seed=7");
  CHECK(d["seed"] == 7);
  apply_override(d, "name=foo");
  CHECK(d["name"] == "foo");
  apply_override(d, "description=\"42\"");
  CHECK(d["description"] == "42");
  apply_override(d, "outputs.jobs_csv=false");  // creates outputs
  CHECK(d["outputs"] == json{{"jobs_csv", false}});
  apply_override(d, "cluster.nodes.0.count=3");
  CHECK(d["cluster"]["nodes"][0]["count"] == 3);
  apply_override(d, R"(policy.params={"weight_gpu": 2})");
  CHECK(d["policy"]["params"] == json{{"weight_gpu", 2}});
  apply_override(d, "outputs.dir=");
  CHECK(d["outputs"]["dir"] == "");
  apply_override(d, "workload.trace=a=b.csv");  // the first '=' splits
  CHECK(d["workload"]["trace"] == "a=b.csv");
}

TEST_CASE("apply_override: errors") {
  CHECK(override_error("policy.placement") == "--set policy.placement: expected PATH=VALUE");
  CHECK(override_error("=3") == "--set =3: expected PATH=VALUE");
  CHECK(override_error("policy..queue=x") == R"(--set policy..queue=x: empty segment in path "policy..queue")");
  CHECK(override_error("cluster.nodes.x.count=3") ==
        R"(--set cluster.nodes.x.count=3: "x" is not an array index (cluster.nodes is an array))");
  CHECK(override_error("cluster.nodes.1.count=3") ==
        "--set cluster.nodes.1.count=3: index 1 is out of range (cluster.nodes has 1 elements)");
  CHECK(override_error("name.first=x") ==
        R"(--set name.first=x: cannot set "first": name is a string, not an object or array)");
}

TEST_CASE("overrides apply before validation -- raw is the overridden document") {
  const std::string file = kDir + "/minimal.json";
  Scenario s = load_scenario(file, {"policy.placement=best-fit", "seed=7", "cluster.nodes.0.count=2"});
  CHECK(s.policy.placement == "best-fit");
  CHECK(s.seed == 7);
  CHECK(s.cluster.node_types[0].count == 2);
  CHECK(s.raw["policy"] == json{{"placement", "best-fit"}});
  CHECK(load_error(file, {"polcy.queue=sjf"}) == file + R"(: /polcy: unknown key; did you mean "policy"?)");
  CHECK(load_error(file, {"seed=seven"}) == file + R"(: /seed: expected a non-negative integer, got "seven")");
}

// ---- the published schema ----

namespace {

/// Key paths the schema declares ("/cluster/nodes/*/name"); free-form objects are not entered.
void schema_paths(const ordered_json& s, const std::string& at, std::set<std::string>& out) {
  if (s.contains("properties"))
    for (const auto& [k, v] : s["properties"].items()) {
      out.insert(at + "/" + k);
      schema_paths(v, at + "/" + k, out);
    }
  if (s.contains("items")) schema_paths(s["items"], at + "/*", out);
}

/// Calls `visit(schema, pointer)` for every object of `doc` that the schema declares keys for.
template <class F>
void each_object(const json& doc, const ordered_json& s, const std::string& at, F&& visit) {
  if (doc.is_object() && s.contains("properties")) {
    visit(s, at);
    for (const auto& [k, v] : doc.items())
      if (s["properties"].contains(k)) each_object(v, s["properties"][k], at + "/" + k, visit);
  }
  if (doc.is_array() && s.contains("items"))
    for (std::size_t i = 0; i < doc.size(); ++i) each_object(doc[i], s["items"], at + "/" + std::to_string(i), visit);
}

std::string generic(const std::string& pointer) {  // "/cluster/nodes/0/name" -> "/cluster/nodes/*/name"
  std::string out;
  std::istringstream in(pointer.substr(1));
  for (std::string t; std::getline(in, t, '/');)
    out += "/" + (!t.empty() && t.find_first_not_of("0123456789") == std::string::npos ? "*" : t);
  return out;
}

} // namespace

TEST_CASE("the committed schema file is scenario_schema()") {
  std::ifstream in(FLEETSIM_SOURCE_DIR "/scenarios/scenario.schema.json", std::ios::binary);
  REQUIRE(in);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO("regenerate it: fleetsim schema > scenarios/scenario.schema.json");
  CHECK(text == scenario_schema().dump(2) + "\n");
}

TEST_CASE("schema and validator agree") {
  const ordered_json schema = scenario_schema();
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  std::set<std::string> declared;
  schema_paths(schema, "", declared);

  // The full fixtures together use every declared key, and both are valid: every key
  // path the schema declares is accepted.
  std::set<std::string> used;
  for (const char* name : {"/full-trace.json", "/full-jobs.json", "/full-nodelist.json", "/full-composable.json",
                           "/full-pipelines.json", "/full-cost.json", "/full-import.json"}) {
    const json doc = read_json(kDir + name);
    CAPTURE(name);
    CHECK(error_of(doc) == "(valid)");
    each_object(doc, schema, "", [&](const ordered_json& s, const std::string& at) {
      for (const auto& [k, v] : doc[json::json_pointer(at)].items())
        if (s["properties"].contains(k)) used.insert(generic(at + "/" + k));

      // A key the schema does not declare is rejected at that object.
      CAPTURE(at);
      CHECK(s["additionalProperties"] == false);
      CHECK(error_of(with(doc, at + "/zzz", 1)).starts_with("scenario.json: " + at + "/zzz: unknown key; "));

      // The schema's required keys are the validator's.
      for (const auto& k : s.value("required", ordered_json::array())) {
        const std::string key = k.get<std::string>();
        CHECK(error_of(without(doc, at + "/" + key)) == "scenario.json: " + at + "/" + key + ": required key is missing");
      }
    });
  }
  CHECK(used == declared);

  // Defaults the schema publishes are the ones conversion applies.
  const auto& props = schema["properties"];
  Scenario s = scenario_from_json(minimal(), "scenario.json", kDir);
  CHECK(props["seed"]["default"] == s.seed);
  CHECK(props["policy"]["properties"]["queue"]["default"] == s.policy.queue);
  CHECK(props["policy"]["properties"]["placement"]["default"] == s.policy.placement);
  CHECK(props["outputs"]["properties"]["jobs_csv"]["default"] == s.outputs.jobs_csv);
  CHECK(props["workload"]["oneOf"] ==
        ordered_json::parse(R"([{"required": ["trace"]}, {"required": ["jobs"]}])"));
}

TEST_CASE("node-list clusters, fill mode and fragmentation targets") {
  const json n = read_json(kDir + "/full-nodelist.json");
  CHECK(error_of(n) == "(valid)");
  Scenario s = scenario_from_json(n, "scenario.json", kDir);
  CHECK(s.cluster.node_list == std::filesystem::path(kDir) / "data/nodes.csv");
  CHECK(s.cluster.node_types.empty());
  CHECK(s.workload.mode == "fill");
  CHECK(s.workload.fill.ratio == 1.1);
  CHECK_FALSE(s.workload.fill.shuffle);
  CHECK_FALSE(s.fragmentation.popular);
  CHECK(s.fragmentation.shapes.size() == 2);
  CHECK(s.fragmentation.coverage_pct == 90);

  const json d = minimal();
  Scenario m = scenario_from_json(d, "scenario.json", kDir);
  CHECK(m.workload.mode == "replay");
  CHECK(m.fragmentation.popular);
  CHECK(m.fragmentation.coverage_pct == 95);

  CHECK(error_of(with(d, "/cluster/node_list", "data/nodes.csv")) ==
        R"(scenario.json: /cluster: expected exactly one of "nodes" or "node_list")");
  CHECK(error_of(with(n, "/cluster/node_list", "data/none.csv")) ==
        "scenario.json: /cluster/node_list: file not found: " + (std::filesystem::path(kDir) / "data/none.csv").string());
  CHECK(error_of(with(n, "/workload/mode", "burst")) ==
        R"(scenario.json: /workload/mode: expected one of "replay", "fill", got "burst")");
  CHECK(error_of(with(n, "/workload/horizon_s", 10)) ==
        "scenario.json: /workload/horizon_s: not used in fill mode (jobs never leave); remove it");
  CHECK(error_of(with(n, "/workload/fill/ratio", 0)) ==
        "scenario.json: /workload/fill/ratio: expected a positive number, got 0");
  CHECK(error_of(with(n, "/fragmentation/target/0/gpu_models", "H100")) ==
        R"(scenario.json: /fragmentation/target/0/gpu_models: unknown GPU model "H100" (not in the cluster))");
  CHECK(error_of(with(n, "/fragmentation/target/1/gpu_milli", 300)) ==
        "scenario.json: /fragmentation/target/1/gpu_milli: expected 0 when num_gpu is 0, got 300");
  CHECK(error_of(without(n, "/fragmentation/target/1/weight")) ==
        "scenario.json: /fragmentation/target/1/weight: required key is missing");
  CHECK(error_of(with(with(n, "/fragmentation/target/0/weight", 0), "/fragmentation/target/1/weight", 0)) ==
        "scenario.json: /fragmentation/target: expected at least one shape with a positive weight");
}

TEST_CASE("composable clusters: every name resolves and every pool is reachable") {
  const json c = read_json(kDir + "/full-composable.json");
  CHECK(error_of(c) == "(valid)");
  Scenario s = scenario_from_json(c, "scenario.json", kDir);
  CHECK(s.cluster.topology == "composable");
  REQUIRE(s.cluster.pools.size() == 1);
  CHECK(s.cluster.pools[0].count == 2);
  CHECK(s.cluster.node_types[0].fabric_ports == 4);
  CHECK(s.cluster.node_types[0].fabric_switch == "sw");
  CHECK(s.cluster.links.attach_s == 5);
  CHECK(error_of(with(c, "/cluster/switches/0/pools/0", "chasis")) ==
        R"(scenario.json: /cluster/switches/0/pools/0: unknown pool type "chasis"; pools: chassis)");
  CHECK(error_of(with(c, "/cluster/nodes/0/switch", "sw9")) ==
        R"(scenario.json: /cluster/nodes/0/switch: unknown switch "sw9"; switches: sw)");
  json two = with(c, "/cluster/pools/1", json{{"name", "lonely"}, {"gpus", 4}, {"gpu_model", "H100"}});
  CHECK(error_of(two) == R"(scenario.json: /cluster/pools/1: no switch reaches pool "lonely")");
  CHECK(error_of(with(c, "/cluster/links/port_bandwidth_Bps", 0)) ==
        "scenario.json: /cluster/links/port_bandwidth_Bps: expected a positive number, got 0");
  CHECK(error_of(with(c, "/cluster/nodes/0/fabric_ports", 0)) ==
        "scenario.json: /cluster/nodes: no node has fabric ports, so no pooled GPU can ever be attached");
  CHECK(error_of(without(c, "/cluster/nodes/0/switch")) ==
        "scenario.json: /cluster/nodes/0/switch: required key is missing when fabric_ports > 0");
  CHECK(error_of(with(c, "/cluster/topology", "static")) ==
        R"(scenario.json: /cluster/pools: only for "topology": "composable")");
  CHECK(error_of(without(c, "/cluster/pools")) ==
        "scenario.json: /cluster/pools: required key is missing for a composable cluster");
}

TEST_CASE("metrics.window: start_s and end_s, warmup_s, drain, and conflicts named by pointer") {
  const json d = minimal();
  Scenario none = scenario_from_json(d, "scenario.json", kDir);
  CHECK_FALSE(none.window.set());
  Scenario a = scenario_from_json(with(d, "/metrics", json{{"window", {{"start_s", 100}, {"end_s", 500}}}}),
                                  "scenario.json", kDir);
  CHECK(a.window.start_s == 100.0);
  CHECK(a.window.end_s == 500.0);
  CHECK_FALSE(a.window.exclude_drain);
  Scenario b = scenario_from_json(with(d, "/metrics", json{{"window", {{"warmup_s", 60}, {"drain", "exclude"}}}}),
                                  "scenario.json", kDir);
  CHECK(b.window.start_s == 60.0);
  CHECK_FALSE(b.window.end_s);
  CHECK(b.window.exclude_drain);
  CHECK(error_of(with(d, "/metrics", json{{"window", {{"start_s", 1}, {"warmup_s", 2}}}})) ==
        "scenario.json: /metrics/window/warmup_s: give start_s or warmup_s, not both");
  CHECK(error_of(with(d, "/metrics", json{{"window", {{"end_s", 10}, {"drain", "exclude"}}}})) ==
        R"(scenario.json: /metrics/window/drain: "exclude" sets the window's end; remove it or end_s)");
  CHECK(error_of(with(d, "/metrics", json{{"window", {{"start_s", 10}, {"end_s", 10}}}})) ==
        "scenario.json: /metrics/window/end_s: expected more than the window's start (10), got 10");
  CHECK(error_of(with(d, "/metrics", json{{"window", {{"start_s", -1}}}})) ==
        "scenario.json: /metrics/window/start_s: expected a non-negative number, got -1");
  CHECK(error_of(with(d, "/metrics", json{{"window", {{"drain", "trim"}}}})).starts_with(
      "scenario.json: /metrics/window/drain: expected one of"));
  CHECK(error_of(with(d, "/metrics", json{{"windw", json::object()}})).starts_with(
      "scenario.json: /metrics/windw: unknown key"));
}
