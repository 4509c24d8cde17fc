// Alibaba 2025 DLRM inference instances. The file is small (24k rows); instances still alive
// at the trace's end wait until the end is known.
#include "sim/io/traces/alibaba_dlrm2025.hpp"

#include <algorithm>
#include <cmath>

#include "sim/common/error.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/io/traces/table.hpp"

namespace fleetsim::traces {
namespace {

const std::vector<std::string> kCols = {
    "instance_sn",  "role",          "app_name",       "cpu_request",  "gpu_request",  "memory_request",
    "creation_time", "scheduled_time", "deletion_time", "cpu_limit",    "gpu_limit",    "rdma_request",
    "rdma_limit",   "memory_limit",  "disk_request",   "disk_limit",   "max_instance_per_node"};
enum Col : std::size_t {
  kSn, kRole, kApp, kCpu, kGpu, kMem, kCreation, kScheduled, kDeletion, kCpuLimit, kGpuLimit, kRdma,
  kRdmaLimit, kMemLimit, kDisk, kDiskLimit, kMaxPerNode
};

} // namespace

void read_dlrm2025(const std::vector<std::filesystem::path>& files, Shaper& out) {
  out.fixed_origin(0, "0 s = the trace start (the publisher's clock)");
  TraceJob t;
  std::vector<TraceJob> open;
  double latest = 0;
  std::vector<std::string_view> row;
  for (const auto& file : files) {
    if (files.size() > 1) out.id_prefix(Shaper::file_tag(file));
    csv::Reader r(file);
    if (!r.next_views(row)) throw InputError(r.label() + ": empty file, expected a header line");
    const Columns cols(row, kCols, 9, {}, r.label() + ":" + std::to_string(r.line()), file, "alibaba-2025-dlrm");
    t.file = r.label();
    while (r.next_views(row)) {
      const Cells c{r.label(), r.line(), cols, row};
      c.check_width();
      out.row();
      t.job.id.assign(c.text(kSn));
      if (t.job.id.empty()) c.fail(kSn, "expected an instance name");
      const std::string_view role = c.text(kRole);
      if (role != "CN" && role != "HN") c.fail(kRole, "expected CN (CPU node) or HN (GPU node)");
      t.vc.assign(c.text(kApp));
      if (t.vc.empty()) c.fail(kApp, "expected an app name");
      const double cpu = c.number(kCpu, 0, 1e8, "expected vCPUs (>= 0)");
      const auto gpu = c.integer(kGpu, 0, 64, "expected a GPU count from 0 to 64");
      const double mem = c.number(kMem, 0, 1e9, "expected GiB (>= 0)");
      if (cols.has(kRdma)) (void)c.opt_number(kRdma, 0, 100, "expected percent of an RDMA NIC (0 to 100)");
      if (cols.has(kDisk)) (void)c.opt_number(kDisk, 0, 1e9, "expected GiB (>= 0)");
      std::int64_t cap = -1;
      if (cols.has(kMaxPerNode) && !c.missing(kMaxPerNode)) {
        cap = c.integer(kMaxPerNode, -1, 1'000'000, "expected -1 (no cap) or a positive count");
        if (cap == 0) c.fail(kMaxPerNode, "expected -1 (no cap) or a positive count");
      }
      const auto creation = c.opt_number(kCreation, 0, input::kMaxSeconds, "expected seconds (0 to 1e10) or nothing");
      const auto scheduled = c.opt_number(kScheduled, 0, input::kMaxSeconds, "expected seconds (0 to 1e10) or nothing");
      const auto deletion = c.opt_number(kDeletion, 0, input::kMaxSeconds, "expected seconds (0 to 1e10) or nothing");
      for (const auto& v : {creation, scheduled, deletion})
        if (v) latest = std::max(latest, *v);
      if (creation && !scheduled) {
        out.skip("created in the trace, never scheduled");
        continue;
      }
      const double submit = creation.value_or(0.0);
      const double start = scheduled.value_or(submit);
      if (start < submit) c.fail(kScheduled, "expected a time at or after creation_time");
      if (deletion && *deletion < start) c.fail(kDeletion, "expected a time at or after scheduled_time");
      if (!creation) out.note("created before the trace start: submitted at 0");
      if (cap > 0) out.note("per-node cap (max_instance_per_node) read, not enforced");
      if (cols.has(kRdma) && !c.missing(kRdma) && c.number(kRdma, 0, 100, "") > 0) out.note("RDMA share read, not enforced");
      t.line = r.line();
      t.models.clear();
      t.num_nodes = 1;
      Job& j = t.job;
      j.kind = JobKind::inference;
      j.submit_s = submit;
      j.req.cpu_milli = std::llround(cpu * 1000);
      j.req.memory_mib = std::llround(mem * 1024);
      j.req.num_gpu = static_cast<std::int32_t>(gpu);
      j.req.gpu_milli = gpu > 0 ? 1000 : 0;
      j.req.model_mask = 0;
      j.priority = 0;
      if (!deletion) {
        j.duration_s = start;  // kept until the end is known: the start, for now
        open.push_back(t);
        if (files.size() > 1) open.back().job.id.insert(0, Shaper::file_tag(file) + "/");
        continue;
      }
      j.duration_s = *deletion - start;
      out.offer(t);
    }
  }
  out.id_prefix("");  // their ids carry their file's tag already
  for (auto& o : open) {
    o.job.duration_s = std::max(0.0, latest - o.job.duration_s);
    out.note("deleted after the trace end: runs until the latest time in the file");
    out.offer(o);
  }
}

} // namespace fleetsim::traces
