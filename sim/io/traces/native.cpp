// Native trace readers (CSV, JSON Lines) and the shared per-job checks.
#include "sim/io/traces/native.hpp"

#include <cmath>
#include <fstream>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <unordered_set>

#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/common/error.hpp"
#include "sim/io/outputs.hpp"
#include "sim/io/work_catalog.hpp"

namespace fleetsim {
namespace {

const std::vector<std::string> kFields = {"id",         "kind",    "submit_s",  "duration_s", "cpu_milli",
                                          "memory_mib", "num_gpu", "gpu_milli", "gpu_models", "priority",
                                          "steps",      "step_compute_s", "allreduce_bytes",
                                          "pipeline",   "mode",    "batches",   "num_nodes",  "mig"};
const std::vector<std::string> kRequired = {"id",         "submit_s", "duration_s", "cpu_milli",
                                            "memory_mib", "num_gpu",  "gpu_milli"};

using Fail = std::function<void(const std::string& field, const std::string& what)>;

std::uint64_t parse_models(std::string_view list, const GpuModels& models, const Fail& fail) {
  std::string_view unknown;
  const std::uint64_t mask = models.mask_of(list, &unknown);
  if (!unknown.empty())
    fail("gpu_models", "unknown GPU model \"" + std::string(unknown) + "\"; the cluster has: " + models.listed());
  return mask;
}

/// Checks relations between fields once each field has its type.
void check_job(const Job& j, const Fail& fail) {
  using input::kMaxSeconds, input::kMaxMilli;
  const std::string seconds = "expected a non-negative number of seconds up to 1e10";
  if (j.id.empty()) fail("id", "expected a non-empty string");
  if (!(j.submit_s >= 0 && j.submit_s <= kMaxSeconds)) fail("submit_s", seconds);
  if (!(j.duration_s >= 0 && j.duration_s <= kMaxSeconds)) fail("duration_s", seconds);
  if (j.req.cpu_milli < 0 || j.req.cpu_milli > kMaxMilli) fail("cpu_milli", "expected a non-negative integer up to 2^40");
  if (j.req.memory_mib < 0 || j.req.memory_mib > kMaxMilli) fail("memory_mib", "expected a non-negative integer up to 2^40");
  if (j.req.num_gpu < 0 || j.req.num_gpu > 64) fail("num_gpu", "expected an integer from 0 to 64");
  if (j.req.num_gpu == 0 && j.req.gpu_milli != 0) fail("gpu_milli", "expected 0 when num_gpu is 0");
  if (j.req.num_gpu > 0 && (j.req.gpu_milli < 1 || j.req.gpu_milli > 1000))
    fail("gpu_milli", "expected an integer from 1 to 1000 when num_gpu > 0");
  if (j.profile.steps < 0 || j.profile.steps > input::kMaxSteps) fail("steps", "expected a non-negative integer up to 1e9");
  if (!(j.profile.step_compute_s >= 0 && j.profile.step_compute_s <= kMaxSeconds)) fail("step_compute_s", seconds);
  if (!(j.profile.allreduce_bytes >= 0 && j.profile.allreduce_bytes <= 1e18))
    fail("allreduce_bytes", "expected a non-negative number up to 1e18");
}

/// A value for "got ...": compact JSON, cut at 80 bytes (not inside a UTF-8 character).
std::string brief(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() <= 80) return s;
  std::size_t n = 77;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

std::string json_quoted(std::string_view s) { return brief(nlohmann::json(std::string(s.substr(0, 200)))); }

std::size_t field_index(std::string_view name) {
  std::size_t k = 0;
  while (kFields[k] != name) ++k;
  return k;
}

/// Fields a pipeline row may leave out (its stages define them).
bool pipeline_optional(std::string_view f) {
  return f == "duration_s" || f == "cpu_milli" || f == "memory_mib" || f == "num_gpu" || f == "gpu_milli";
}

/// A MIG request's share is its profile's: gpu_milli must be left out (the work catalog sets it).
void mig_share(Job& j, const WorkFields& wf, const Fail& fail) {
  if (wf.mig.empty()) return;
  if (j.req.gpu_milli != 0) fail("gpu_milli", "not with mig: the MIG profile fixes the share; leave it out");
  j.req.gpu_milli = j.req.num_gpu > 0 ? 1000 : 0;  // a placeholder until the profile is resolved
}

/// Completes a job from its work fields (pipeline, mode, batches, num_nodes, mig).
void finish_work(Job& j, WorkFields& wf, const WorkCatalog* work, const Fail& fail) {
  wf.has_duration = j.duration_s != 0;
  wf.has_models = j.req.model_mask != 0;
  const std::pair<const char*, std::int64_t> res[] = {
      {"cpu_milli", j.req.cpu_milli}, {"memory_mib", j.req.memory_mib}, {"num_gpu", j.req.num_gpu}, {"gpu_milli", j.req.gpu_milli}};
  for (const auto& [f, v] : res)
    if (v != 0 && wf.resource_field.empty()) wf.resource_field = f;
  if (work) {
    work->resolve(j, wf, fail);
    return;
  }
  const char* field = !wf.pipeline.empty() || wf.pipeline_obj ? "pipeline"
                      : !wf.mig.empty()                       ? "mig"
                      : wf.num_nodes != 1                     ? "num_nodes"
                      : !wf.mode.empty()                      ? "mode"
                      : wf.batches != 0                       ? "batches"
                                                              : nullptr;
  if (field) fail(field, "needs a scenario (pipelines, MIG-enabled nodes); this trace is read without one");
}

} // namespace

Job job_from_json(const nlohmann::json& obj, const GpuModels& models, const std::string& where, bool pointer_style,
                  const WorkCatalog* work) {
  Fail fail = [&](const std::string& field, const std::string& what) {
    std::string msg = pointer_style ? where + "/" + field + ": " + what : where + ": field " + field + ": " + what;
    if (obj.is_object() && obj.contains(field)) msg += ", got " + brief(obj.at(field));
    throw InputError(msg);
  };
  if (!obj.is_object()) throw InputError(where + ": expected a job object, got " + brief(obj));
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (const auto& f : kFields) known |= f == key;
    if (known) continue;
    const auto hint = csv::closest(key, kFields);
    const std::string what = "unknown key" + (hint.empty() ? "" : "; did you mean \"" + hint + "\"?");
    const std::string k = key.size() > 60 ? key.substr(0, 60) + "..." : key;
    throw InputError(pointer_style ? where + "/" + k + ": " + what : where + ": field " + k + ": " + what);
  }
  const bool pipeline = obj.contains("pipeline");
  for (const auto& f : kRequired)
    if (!obj.contains(f) && !(pipeline && pipeline_optional(f)) && !(f == "gpu_milli" && obj.contains("mig"))) {
      throw InputError(pointer_style ? where + "/" + f + ": required key is missing"
                                     : where + ": field " + f + ": required key is missing");
    }
  auto integer = [&](const char* f, const char* what) -> std::int64_t {
    const auto& v = obj.at(f);
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) fail(f, what);
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float() && v.get<double>() == std::trunc(v.get<double>()) && std::fabs(v.get<double>()) < 9e15)
      return static_cast<std::int64_t>(v.get<double>());
    fail(f, what);
    return 0;
  };
  auto number = [&](const char* f) -> double {
    const auto& v = obj.at(f);
    if (!v.is_number()) fail(f, "expected a non-negative number");
    return v.get<double>();
  };
  Job j;
  const auto& id = obj.at("id");
  if (id.is_string()) j.id = id.get<std::string>();
  else if (id.is_number_integer()) j.id = std::to_string(id.get<std::int64_t>());
  else fail("id", "expected a non-empty string");
  if (obj.contains("kind")) {
    const auto& k = obj.at("kind");
    if (!k.is_string() || !parse_job_kind(k.get<std::string>(), j.kind))
      fail("kind", "expected one of \"training\", \"inference\", \"preprocessing\"");
  }
  j.submit_s = number("submit_s");
  if (obj.contains("duration_s")) j.duration_s = number("duration_s");
  if (obj.contains("cpu_milli")) j.req.cpu_milli = integer("cpu_milli", "expected a non-negative integer");
  if (obj.contains("memory_mib")) j.req.memory_mib = integer("memory_mib", "expected a non-negative integer");
  if (obj.contains("num_gpu"))
    j.req.num_gpu = static_cast<std::int32_t>(std::clamp<std::int64_t>(integer("num_gpu", "expected an integer from 0 to 64"), -1, 65));
  if (obj.contains("gpu_milli"))
    j.req.gpu_milli = static_cast<std::int32_t>(std::clamp<std::int64_t>(integer("gpu_milli", "expected an integer from 0 to 1000"), -1, 1001));
  if (obj.contains("gpu_models")) {
    const auto& m = obj.at("gpu_models");
    if (m.is_string()) {
      j.req.model_mask = parse_models(m.get<std::string>(), models, fail);
    } else if (m.is_array()) {
      for (const auto& e : m) {
        if (!e.is_string()) fail("gpu_models", "expected a string or an array of model names");
        j.req.model_mask |= parse_models(e.get<std::string>(), models, fail);
      }
    } else {
      fail("gpu_models", "expected a string or an array of model names");
    }
  }
  if (obj.contains("priority"))
    j.priority = static_cast<std::int32_t>(std::clamp<std::int64_t>(integer("priority", "expected an integer"), INT32_MIN, INT32_MAX));
  if (obj.contains("steps")) j.profile.steps = integer("steps", "expected a non-negative integer");
  if (obj.contains("step_compute_s")) j.profile.step_compute_s = number("step_compute_s");
  if (obj.contains("allreduce_bytes")) j.profile.allreduce_bytes = number("allreduce_bytes");
  WorkFields wf;
  auto text = [&](const char* f) -> std::string {
    const auto& v = obj.at(f);
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) fail(f, "expected a non-empty string");
    return v.get<std::string>();
  };
  if (pipeline) {
    const auto& p = obj.at("pipeline");
    if (p.is_object()) wf.pipeline_obj = &p;
    else wf.pipeline = text("pipeline");
  }
  if (obj.contains("mode")) wf.mode = text("mode");
  if (obj.contains("mig")) wf.mig = text("mig");
  if (obj.contains("batches")) {
    wf.batches = integer("batches", "expected an integer from 1 to 1000000");
    if (wf.batches < 1 || wf.batches > input::kMaxBatches) fail("batches", "expected an integer from 1 to 1000000");
  }
  if (obj.contains("num_nodes")) wf.num_nodes = integer("num_nodes", "expected an integer from 1 to 4096");
  mig_share(j, wf, fail);
  check_job(j, fail);
  finish_work(j, wf, work, fail);
  return j;
}

std::vector<Job> read_csv_trace(const std::filesystem::path& file, const GpuModels& models, const WorkCatalog* work,
                                std::vector<std::int64_t>* lines) {
  csv::Reader reader(file);
  std::vector<std::string> row;
  if (!reader.next(row)) throw InputError(reader.label() + ": empty file, expected a header line");
  const std::string header_at = reader.label() + ":" + std::to_string(reader.line());
  std::vector<int> col(kFields.size(), -1);
  const std::size_t col_count = row.size();
  for (std::size_t c = 0; c < row.size(); ++c) {
    const auto& name = row[c];
    int f = -1;
    for (std::size_t k = 0; k < kFields.size(); ++k)
      if (kFields[k] == name) f = static_cast<int>(k);
    if (f < 0) {
      const auto hint = csv::closest(name, kFields);
      throw InputError(header_at + ": column " + std::to_string(c + 1) + ": unknown column " + json_quoted(name) +
                       (hint.empty() ? "; expected columns: id, kind, submit_s, duration_s, cpu_milli, memory_mib, "
                                       "num_gpu, gpu_milli, gpu_models, priority, steps, step_compute_s, allreduce_bytes, "
                                       "pipeline, mode, batches, num_nodes, mig"
                                     : "; did you mean \"" + hint + "\"?"));
    }
    if (col[static_cast<std::size_t>(f)] >= 0) throw InputError(header_at + ": column " + json_quoted(name) + " appears twice");
    col[static_cast<std::size_t>(f)] = static_cast<int>(c);
  }
  const std::size_t c_pipeline = field_index("pipeline"), c_mode = field_index("mode"),
                    c_batches = field_index("batches"), c_nodes = field_index("num_nodes"), c_mig = field_index("mig");
  for (const auto& r : kRequired) {
    std::size_t k = 0;
    while (kFields[k] != r) ++k;
    if (col[k] < 0 && !(col[c_pipeline] >= 0 && pipeline_optional(r)))
      throw InputError(header_at + ": missing required column " + json_quoted(r));
  }
  const std::size_t width = col_count;
  std::vector<Job> jobs;
  std::unordered_set<std::string> ids;
  while (reader.next(row)) {
    const std::string at = reader.label() + ":" + std::to_string(reader.line());
    if (row.size() != width)
      throw InputError(at + ": expected " + std::to_string(width) + " fields (as the header), got " +
                       std::to_string(row.size()) + (row.size() < width ? " (truncated row?)" : ""));
    if (jobs.size() >= static_cast<std::size_t>(input::kMaxJobs))
      throw InputError(at + ": more than " + std::to_string(input::kMaxJobs) + " jobs (the limit of a workload)");
    auto cell = [&](std::size_t k) -> const std::string& { return row[static_cast<std::size_t>(col[k])]; };
    Fail fail = [&](const std::string& field, const std::string& what) {
      std::size_t k = 0;
      while (kFields[k] != field) ++k;
      throw InputError(at + ": column " + field + ": " + what + (col[k] >= 0 ? ", got " + json_quoted(cell(k)) : ""));
    };
    auto integer = [&](std::size_t k, const char* what) -> std::int64_t {
      auto v = csv::parse_int(cell(k));
      if (!v) fail(kFields[k], what);
      return *v;
    };
    auto number = [&](std::size_t k) -> double {
      auto v = csv::parse_double(cell(k));
      if (!v) fail(kFields[k], "expected a non-negative number");
      return *v;
    };
    Job j;
    j.id = cell(0);
    if (col[1] >= 0 && !cell(1).empty() && !parse_job_kind(cell(1), j.kind))
      fail("kind", "expected one of \"training\", \"inference\", \"preprocessing\"");
    // A pipeline row may leave its duration and resources out (its stages define them).
    const bool pipeline_row = col[c_pipeline] >= 0 && !cell(c_pipeline).empty();
    const bool mig_row = col[c_mig] >= 0 && !cell(c_mig).empty();
    auto given = [&](std::size_t k) {
      return col[k] >= 0 && !((pipeline_row || (mig_row && k == 7)) && cell(k).empty());
    };
    j.submit_s = number(2);
    if (given(3)) j.duration_s = number(3);
    if (given(4)) j.req.cpu_milli = integer(4, "expected a non-negative integer");
    if (given(5)) j.req.memory_mib = integer(5, "expected a non-negative integer");
    if (given(6))
      j.req.num_gpu = static_cast<std::int32_t>(std::clamp<std::int64_t>(integer(6, "expected an integer from 0 to 64"), -1, 65));
    if (given(7))
      j.req.gpu_milli = static_cast<std::int32_t>(std::clamp<std::int64_t>(integer(7, "expected an integer from 0 to 1000"), -1, 1001));
    if (col[8] >= 0) j.req.model_mask = parse_models(cell(8), models, fail);
    if (col[9] >= 0 && !cell(9).empty())
      j.priority = static_cast<std::int32_t>(std::clamp<std::int64_t>(integer(9, "expected an integer"), INT32_MIN, INT32_MAX));
    if (col[10] >= 0 && !cell(10).empty()) j.profile.steps = integer(10, "expected a non-negative integer");
    if (col[11] >= 0 && !cell(11).empty()) j.profile.step_compute_s = number(11);
    if (col[12] >= 0 && !cell(12).empty()) j.profile.allreduce_bytes = number(12);
    WorkFields wf;
    if (pipeline_row) wf.pipeline = cell(c_pipeline);
    if (col[c_mode] >= 0) wf.mode = cell(c_mode);
    if (col[c_mig] >= 0) wf.mig = cell(c_mig);
    if (col[c_batches] >= 0 && !cell(c_batches).empty()) {
      wf.batches = integer(c_batches, "expected an integer from 1 to 1000000");
      if (wf.batches < 1 || wf.batches > input::kMaxBatches) fail("batches", "expected an integer from 1 to 1000000");
    }
    if (col[c_nodes] >= 0 && !cell(c_nodes).empty()) wf.num_nodes = integer(c_nodes, "expected an integer from 1 to 4096");
    mig_share(j, wf, fail);
    check_job(j, fail);
    finish_work(j, wf, work, fail);
    if (!ids.insert(j.id).second) fail("id", "duplicate job id");
    jobs.push_back(std::move(j));
    if (lines) lines->push_back(reader.line());
  }
  if (jobs.empty()) throw InputError(reader.label() + ": no jobs, expected at least one row after the header");
  return jobs;
}

std::vector<Job> read_jsonl_trace(const std::filesystem::path& file, const GpuModels& models, const WorkCatalog* work,
                                  std::vector<std::int64_t>* lines) {
  csv::LineReader in(file);
  const std::string& label = in.label();
  std::vector<Job> jobs;
  std::unordered_set<std::string> ids;
  std::string line;
  while (in.next(line)) {
    const std::int64_t n = in.line();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string at = label + ":" + std::to_string(n);
    if (jobs.size() >= static_cast<std::size_t>(input::kMaxJobs))
      throw InputError(at + ": more than " + std::to_string(input::kMaxJobs) + " jobs (the limit of a workload)");
    const nlohmann::json obj = input::parse_json_unordered(line, label, n);
    Job j = job_from_json(obj, models, at, false, work);
    if (!ids.insert(j.id).second) throw InputError(at + ": field id: duplicate job id " + json_quoted(j.id));
    jobs.push_back(std::move(j));
    if (lines) lines->push_back(n);
  }
  if (jobs.empty()) throw InputError(label + ": no jobs, expected at least one job object");
  return jobs;
}

void write_csv_trace(std::ostream& os, const std::vector<Job>& jobs, const GpuModels& models) {
  bool profiles = false;
  for (const auto& j : jobs) profiles |= j.profile.steps > 0;
  os << "id,kind,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_models,priority"
     << (profiles ? ",steps,step_compute_s,allreduce_bytes\n" : "\n");
  for (const auto& j : jobs) {
    std::string m;
    for (int i = 0; i < models.size(); ++i)
      if ((j.req.model_mask >> i) & 1u) m += (m.empty() ? "" : "|") + models.name(i);
    os << j.id << ',' << to_string(j.kind) << ',' << format_double(j.submit_s) << ',' << format_double(j.duration_s) << ',' << j.req.cpu_milli << ','
       << j.req.memory_mib << ',' << j.req.num_gpu << ',' << j.req.gpu_milli << ',' << m << ',' << j.priority;
    if (profiles)
      os << ',' << j.profile.steps << ',' << format_double(j.profile.step_compute_s) << ','
         << format_double(j.profile.allreduce_bytes);
    os << '\n';
  }
}

} // namespace fleetsim
