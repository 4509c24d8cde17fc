// Helios cluster_log.csv (and the Acme job traces, which share its layout): streamed row by row.
#include "sim/io/traces/helios.hpp"

#include <cmath>

#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/io/traces/table.hpp"

namespace fleetsim::traces {
namespace {

const std::vector<std::string> kColumns = {
    "job_id",  "gpu_num",  "submit_time", "vc",       "user",     "cpu_num",        "node_num",
    "state",   "start_time", "end_time",  "duration", "queue",    "type",           "gpu_time",
    "mem_per_pod_GB", "shared_mem_per_pod", "fail_time", "stop_time"};
enum Col : std::size_t {
  kJobId, kGpuNum, kSubmit, kVc, kUser, kCpuNum, kNodeNum, kState, kStart, kEnd, kDuration, kQueue,
  kType, kGpuTime, kMemPerPod, kShmPerPod, kFailTime, kStopTime
};

} // namespace

void read_job_log(const std::vector<std::filesystem::path>& files, Shaper& out, const JobLogProfile& p) {
  TraceJob t;
  std::vector<std::string_view> fields;
  for (const auto& file : files) {
    if (files.size() > 1) out.id_prefix(Shaper::file_tag(file));
    csv::Reader reader(file);
    if (!reader.next_views(fields)) throw InputError(reader.label() + ": empty file, expected a header line");
    const std::string at = reader.label() + ":" + std::to_string(reader.line());
    const Columns cols(fields, kColumns, 3, p.ignored, at, file, p.format);
    // Columns of the other format name it.
    const auto other = sniff(file, p.format);
    if (p.format == "helios" && !cols.has(kVc))
      throw InputError(at + ": missing column \"vc\"; helios columns are: job_id, user, vc, gpu_num, cpu_num, "
                            "node_num, state, submit_time, start_time, end_time, duration, queue" +
                       (other.empty() ? std::string() : " (" + other + ")"));
    if (p.format == "acme")
      for (std::size_t k : {std::size_t(kVc)})
        if (cols.has(k))
          throw InputError(at + ": column " + in_quotes(kColumns[k]) + " is not an Acme column" +
                           (other.empty() ? std::string() : " (" + other + ")"));
    if (p.format == "helios")
      for (std::size_t k = kType; k < kColumns.size(); ++k)
        if (cols.has(k))
          throw InputError(at + ": column " + in_quotes(kColumns[k]) + " is not a Helios column" +
                           (other.empty() ? std::string() : " (" + other + ")"));
    t.file = reader.label();
    while (reader.next_views(fields)) {
      const Cells c{reader.label(), reader.line(), cols, fields};
      c.check_width();
      out.row();
      t.line = reader.line();
      t.job.id.assign(c.text(kJobId));
      if (t.job.id.empty()) c.fail(kJobId, "expected a job id");
      const auto submit = c.datetime(kSubmit);
      const auto start = c.datetime(kStart);
      const auto end = c.datetime(kEnd);
      const auto duration = c.opt_number(kDuration, 0, input::kMaxSeconds, "expected seconds (a number from 0 to 1e10)");
      const std::string_view state = c.text(kState);
      const std::int64_t gpus = c.missing(kGpuNum) ? 0 : c.integer(kGpuNum, 0, 1'000'000, "expected a GPU count (integer >= 0)");
      const std::int64_t nodes_given =
          c.missing(kNodeNum) ? 1 : c.integer(kNodeNum, 0, 100'000, "expected a node count (integer >= 0)");
      const double cpus = c.missing(kCpuNum) ? 0 : c.number(kCpuNum, 0, 1e9, "expected a CPU count (number >= 0)");
      const double mem_gib = c.missing(kMemPerPod) ? 0 : c.number(kMemPerPod, 0, 1e9, "expected GiB (number >= 0)");
      if (!submit) {
        out.skip("no submit_time");
        continue;
      }
      if (cols.has(kStart) && !start) {
        out.skip("never started (no start_time)");
        continue;
      }
      double dur = 0;
      if (duration) dur = *duration;
      else if (start && end) dur = *end - *start;
      else {
        out.skip("no end (no duration or end_time)");
        continue;
      }
      if (dur < 0) {
        out.skip("end before start");
        continue;
      }
      if (dur == 0 && state == "CANCELLED") {
        out.skip("cancelled before start");
        continue;
      }
      const std::int64_t nodes = std::max<std::int64_t>(1, nodes_given);
      std::int64_t per_node = (gpus + nodes - 1) / nodes;
      if (per_node * nodes != gpus) out.note("GPUs rounded up to a multiple of node_num");
      if (per_node > 64) {
        out.skip("more than 64 GPUs on one node");
        continue;
      }
      t.vc.assign(c.text(kVc));
      t.models.clear();
      t.num_nodes = gpus > 0 || nodes > 1 ? nodes : 1;
      Job& j = t.job;
      j.kind = gpus == 0 ? JobKind::preprocessing : JobKind::training;
      j.submit_s = *submit;
      j.duration_s = dur;
      j.req.num_gpu = static_cast<std::int32_t>(per_node);
      j.req.gpu_milli = per_node > 0 ? 1000 : 0;
      j.req.cpu_milli = static_cast<std::int64_t>(std::llround(cpus * 1000.0 / static_cast<double>(t.num_nodes)));
      j.req.memory_mib = static_cast<std::int64_t>(std::llround(mem_gib * 1024.0));
      j.req.model_mask = 0;
      j.priority = 0;
      out.offer(t);
    }
  }
}

ClusterState read_helios_vcs(const std::filesystem::path& file, GpuModels& models) {
  csv::Reader reader(file);
  std::vector<std::string_view> row;
  if (!reader.next_views(row)) throw InputError(reader.label() + ": empty file, expected a header line");
  const std::string at = reader.label() + ":" + std::to_string(reader.line());
  if (row.size() < 3 || trim(row.front()) != "date" || trim(row.back()) != "total") {
    const auto hint = sniff(file, "helios/nodes");
    throw InputError(at + ": expected a Helios cluster_gpu_number.csv header \"date,<vc>,...,total\"" +
                     (hint.empty() ? std::string() : " (" + hint + ")"));
  }
  std::vector<std::string> vcs, names;
  for (std::size_t c = 1; c + 1 < row.size(); ++c) vcs.emplace_back(trim(row[c]));
  for (std::size_t c = 0; c < row.size(); ++c) names.emplace_back(trim(row[c]));
  const Columns cols(names);
  std::vector<std::int64_t> last;
  std::int64_t last_line = 0;
  while (reader.next_views(row)) {
    const Cells c{reader.label(), reader.line(), cols, row};
    c.check_width();
    if (!parse_datetime(std::string(c.text(0)) + " 00:00:00")) c.fail(0, "expected a date YYYY-MM-DD");
    last.assign(vcs.size(), 0);
    for (std::size_t v = 0; v < vcs.size(); ++v) last[v] = c.integer(v + 1, 0, input::kMaxGpus, "expected a GPU count");
    (void)c.integer(vcs.size() + 1, 0, input::kMaxGpus, "expected a GPU count");
    last_line = reader.line();
  }
  if (last.empty()) throw InputError(reader.label() + ": no days, expected at least one row after the header");
  NodeListBuilder nodes(models);
  for (std::size_t v = 0; v < vcs.size(); ++v)
    for (std::int64_t i = 0; i < last[v] / 8; ++i)
      nodes.add(reader.label() + ":" + std::to_string(last_line), vcs[v] + "-" + std::to_string(i), 96'000, 0, 8,
                "helios-gpu");
  return nodes.take(reader.label());
}

void read_helios(const std::vector<std::filesystem::path>& files, Shaper& out) {
  read_job_log(files, out, {"helios", {}, true});
}

} // namespace fleetsim::traces
