// Alibaba cluster-trace-gpu-v2023 importers: node lists and pod lists, validated row by row.
#include "sim/io/traces/alibaba_v2023.hpp"

#include <unordered_map>

#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/io/traces/import.hpp"
#include "sim/common/error.hpp"

namespace fleetsim::alibaba {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

/// Maps header names to column indexes; checks required and unknown columns.
class Header {
public:
  Header(const std::vector<std::string>& row, const std::vector<std::string>& known,
         std::size_t required, const std::string& at) {
    index_.assign(known.size(), -1);
    for (std::size_t c = 0; c < row.size(); ++c) {
      int k = -1;
      for (std::size_t i = 0; i < known.size(); ++i)
        if (known[i] == row[c]) k = static_cast<int>(i);
      if (k < 0) {
        const auto hint = csv::closest(row[c], known);
        throw InputError(at + ": column " + std::to_string(c + 1) + ": unknown column " + traces::in_quotes(row[c]) +
                         (hint.empty() ? "; expected columns: " + joined(known) : "; did you mean " + traces::in_quotes(hint) + "?"));
      }
      if (index_[static_cast<std::size_t>(k)] >= 0) throw InputError(at + ": column " + traces::in_quotes(row[c]) + " appears twice");
      index_[static_cast<std::size_t>(k)] = static_cast<int>(c);
    }
    for (std::size_t i = 0; i < required; ++i)
      if (index_[i] < 0) throw InputError(at + ": missing column " + traces::in_quotes(known[i]) + "; expected columns: " + joined(known));
    width_ = row.size();
  }
  bool has(std::size_t k) const { return index_[k] >= 0; }
  const std::string& field(const std::vector<std::string>& row, std::size_t k) const {
    return row[static_cast<std::size_t>(index_[k])];
  }
  std::size_t width() const { return width_; }

private:
  std::vector<int> index_;
  std::size_t width_ = 0;
};

/// Row-level error helper: "file:line: column <name>: <what>, got <value>".
struct Row {
  const csv::Reader& reader;
  const Header& header;
  const std::vector<std::string>& known;
  const std::vector<std::string>& fields;

  std::string at() const { return reader.label() + ":" + std::to_string(reader.line()); }
  [[noreturn]] void fail(std::size_t k, const std::string& what) const {
    throw InputError(at() + ": column " + known[k] + ": " + what + ", got " + traces::in_quotes(text(k)));
  }
  const std::string& text(std::size_t k) const { return header.field(fields, k); }
  std::int64_t integer(std::size_t k, std::int64_t lo, std::int64_t hi, const std::string& what) const {
    const auto v = csv::parse_int(text(k));
    if (!v || *v < lo || *v > hi) fail(k, what);
    return *v;
  }
  std::optional<double> time(std::size_t k) const {
    if (!header.has(k) || text(k).empty()) return std::nullopt;
    const auto v = csv::parse_double(text(k));
    if (!v || *v < 0 || *v > input::kMaxSeconds) fail(k, "expected a non-negative number of seconds up to 1e10, or nothing");
    return v;
  }
  void check_width() const {
    if (fields.size() != header.width())
      throw InputError(at() + ": expected " + std::to_string(header.width()) + " fields, got " +
                       std::to_string(fields.size()) + (fields.size() < header.width() ? " (truncated row?)" : ""));
  }
};

const std::vector<std::string> kNodeColumns = {"sn", "cpu_milli", "memory_mib", "gpu", "model"};
enum NodeCol : std::size_t { kSn, kNodeCpu, kNodeMem, kGpu, kModel };

const std::vector<std::string> kPodColumns = {"name",     "cpu_milli",     "memory_mib",    "num_gpu",
                                              "gpu_milli", "gpu_spec",     "qos",           "pod_phase",
                                              "creation_time", "deletion_time", "scheduled_time"};
enum PodCol : std::size_t { kName, kCpu, kMem, kNumGpu, kGpuMilli, kSpec, kQos, kPhase, kCreation, kDeletion, kScheduled };

const std::vector<std::string> kQosValues = {"LS", "BE", "Burstable", "Guaranteed"};
const std::vector<std::string> kPhases = {"Running", "Succeeded", "Failed", "Pending"};

void check_enum(const Row& r, std::size_t k, const std::vector<std::string>& allowed) {
  if (!r.header.has(k) || r.text(k).empty()) return;
  for (const auto& a : allowed)
    if (a == r.text(k)) return;
  r.fail(k, "expected one of " + joined(allowed) + " (or nothing)");
}

std::string type_name(const NodeTypeSpec& t) {
  const std::string rest = std::to_string(t.cpu_milli / 1000) + "c-" + std::to_string(t.memory_mib / 1024) + "g";
  return t.gpus > 0 ? t.gpu_model + "x" + std::to_string(t.gpus) + "-" + rest : "cpu-" + rest;
}

} // namespace

NodeList read_node_list(const std::filesystem::path& file, GpuModels& models) {
  csv::Reader reader(file);
  std::vector<std::string> fields;
  if (!reader.next(fields)) throw InputError(reader.label() + ": empty file, expected a header line");
  const Header header(fields, kNodeColumns, kNodeColumns.size(), reader.label() + ":" + std::to_string(reader.line()));
  NodeList out;
  std::unordered_map<std::string, std::int64_t> seen;  // sn -> line
  std::int64_t gpus = 0;
  while (reader.next(fields)) {
    const Row r{reader, header, kNodeColumns, fields};
    r.check_width();
    if (out.cluster.num_nodes() >= input::kMaxNodes)
      throw InputError(r.at() + ": more than " + std::to_string(input::kMaxNodes) + " nodes (the limit of a cluster)");
    const std::string& sn = r.text(kSn);
    if (sn.empty()) r.fail(kSn, "expected a node name");
    if (auto [it, fresh] = seen.emplace(sn, reader.line()); !fresh)
      r.fail(kSn, "duplicate node name (first at line " + std::to_string(it->second) + ")");
    NodeTypeSpec t;
    t.cpu_milli = r.integer(kNodeCpu, 0, std::int64_t{1} << 40, "expected a non-negative integer (milli-cores)");
    t.memory_mib = r.integer(kNodeMem, 0, std::int64_t{1} << 40, "expected a non-negative integer (MiB)");
    t.gpus = r.integer(kGpu, 0, 64, "expected an integer from 0 to 64");
    t.gpu_model = r.text(kModel);
    if (t.gpus > 0 && t.gpu_model.empty()) r.fail(kModel, "expected a GPU model name when gpu > 0");
    if (t.gpus == 0 && !t.gpu_model.empty()) r.fail(kModel, "expected nothing when gpu is 0");
    if (t.gpu_model.find('|') != std::string::npos) r.fail(kModel, "expected one model name without '|'");
    int model = -1;
    if (t.gpus > 0) {
      if (!models.find(t.gpu_model) && models.size() >= GpuModels::kMaxModels)
        r.fail(kModel, "expected at most " + std::to_string(GpuModels::kMaxModels) + " distinct GPU models");
      model = models.intern(t.gpu_model);
    }
    int type = -1;
    for (std::size_t i = 0; i < out.types.size(); ++i) {
      const auto& o = out.types[i];
      if (o.cpu_milli == t.cpu_milli && o.memory_mib == t.memory_mib && o.gpus == t.gpus && o.gpu_model == t.gpu_model)
        type = static_cast<int>(i);
    }
    if (type < 0) {
      t.name = type_name(t);
      out.types.push_back(t);
      type = static_cast<int>(out.types.size()) - 1;
    }
    gpus += t.gpus;
    if (gpus > input::kMaxGpus)
      throw InputError(r.at() + ": more than " + std::to_string(input::kMaxGpus) + " GPUs (the limit of a cluster)");
    ++out.types[static_cast<std::size_t>(type)].count;
    out.cluster.add_node(sn, type, t.cpu_milli, t.memory_mib, static_cast<int>(t.gpus), model);
  }
  if (out.cluster.num_nodes() == 0) throw InputError(reader.label() + ": no nodes, expected at least one row after the header");
  return out;
}

std::vector<Pod> read_pod_list(const std::filesystem::path& file, const GpuModels& models) {
  csv::Reader reader(file);
  std::vector<std::string> fields;
  if (!reader.next(fields)) throw InputError(reader.label() + ": empty file, expected a header line");
  const Header header(fields, kPodColumns, kGpuMilli + 1, reader.label() + ":" + std::to_string(reader.line()));
  std::vector<Pod> pods;
  std::unordered_map<std::string, std::int64_t> seen;
  while (reader.next(fields)) {
    const Row r{reader, header, kPodColumns, fields};
    r.check_width();
    if (pods.size() >= static_cast<std::size_t>(input::kMaxJobs))
      throw InputError(r.at() + ": more than " + std::to_string(input::kMaxJobs) + " pods (the limit of a workload)");
    Pod p;
    p.line = reader.line();
    Job& j = p.job;
    j.id = r.text(kName);
    if (j.id.empty()) r.fail(kName, "expected a pod name");
    if (auto [it, fresh] = seen.emplace(j.id, reader.line()); !fresh)
      r.fail(kName, "duplicate pod name (first at line " + std::to_string(it->second) + ")");
    j.req.cpu_milli = r.integer(kCpu, 0, std::int64_t{1} << 40, "expected a non-negative integer (milli-cores)");
    j.req.memory_mib = r.integer(kMem, 0, std::int64_t{1} << 40, "expected a non-negative integer (MiB)");
    j.req.num_gpu = static_cast<std::int32_t>(r.integer(kNumGpu, 0, 64, "expected an integer from 0 to 64"));
    if (j.req.num_gpu == 0)
      j.req.gpu_milli = static_cast<std::int32_t>(r.integer(kGpuMilli, 0, 0, "expected 0 when num_gpu is 0"));
    else if (j.req.num_gpu == 1)
      j.req.gpu_milli = static_cast<std::int32_t>(r.integer(kGpuMilli, 1, 1000, "expected an integer from 1 to 1000"));
    else
      j.req.gpu_milli = static_cast<std::int32_t>(r.integer(kGpuMilli, 1000, 1000, "expected 1000 when num_gpu > 1"));
    if (header.has(kSpec)) {
      p.gpu_spec = r.text(kSpec);
      std::size_t start = 0;
      while (start <= p.gpu_spec.size()) {
        auto end = p.gpu_spec.find('|', start);
        if (end == std::string::npos) end = p.gpu_spec.size();
        const std::string name = p.gpu_spec.substr(start, end - start);
        if (!name.empty()) {
          const auto id = models.find(name);
          if (!id)
            r.fail(kSpec, "unknown GPU model " + traces::in_quotes(name) + "; the cluster has: " +
                              (models.size() == 0 ? std::string("no GPUs") : joined(models.names())));
          j.req.model_mask |= std::uint64_t{1} << *id;
        }
        start = end + 1;
      }
    }
    check_enum(r, kQos, kQosValues);
    check_enum(r, kPhase, kPhases);
    if (header.has(kQos)) p.qos = r.text(kQos);
    if (header.has(kPhase)) p.phase = r.text(kPhase);
    p.creation_s = r.time(kCreation);
    p.deletion_s = r.time(kDeletion);
    p.scheduled_s = r.time(kScheduled);
    if (p.scheduled_s && p.creation_s && *p.scheduled_s < *p.creation_s)
      r.fail(kScheduled, "expected a time at or after creation_time");
    if (p.deletion_s && p.creation_s && *p.deletion_s < *p.creation_s)
      r.fail(kDeletion, "expected a time at or after creation_time");
    if (p.deletion_s && p.scheduled_s && *p.deletion_s < *p.scheduled_s)
      r.fail(kDeletion, "expected a time at or after scheduled_time");
    j.kind = j.req.num_gpu == 0 ? JobKind::preprocessing : p.qos == "LS" ? JobKind::inference : JobKind::training;
    j.submit_s = p.creation_s.value_or(0.0);
    if (p.deletion_s) {
      const auto from = p.scheduled_s ? p.scheduled_s : p.creation_s;
      j.duration_s = from ? *p.deletion_s - *from : 0.0;
    }
    pods.push_back(std::move(p));
  }
  if (pods.empty()) throw InputError(reader.label() + ": no pods, expected at least one row after the header");
  return pods;
}

std::vector<Job> jobs_of(const std::vector<Pod>& pods) {
  std::vector<Job> jobs;
  jobs.reserve(pods.size());
  for (const auto& p : pods) jobs.push_back(p.job);
  return jobs;
}

} // namespace fleetsim::alibaba
