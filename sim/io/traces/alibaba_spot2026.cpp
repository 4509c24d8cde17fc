// Alibaba 2026 spot GPU trace: job list (streamed) and node list.
#include "sim/io/traces/alibaba_spot2026.hpp"

#include <cmath>

#include "sim/common/error.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/io/traces/table.hpp"

namespace fleetsim::traces {
namespace {

const std::vector<std::string> kJobCols = {"job_name",    "gpu_model",  "cpu_request", "gpu_request", "worker_num",
                                           "submit_time", "duration",   "job_type",    "organization"};
enum JobCol : std::size_t { kName, kModel, kCpu, kGpu, kWorkers, kSubmit, kDuration, kType, kOrg };
const std::vector<std::string> kNodeCols = {"node_name", "gpu_model", "gpu_capacity_num", "cpu_num"};

} // namespace

void read_spot2026(const std::vector<std::filesystem::path>& files, Shaper& out) {
  out.fixed_origin(0, "0 s = the first submitted job (the publisher's clock)");
  TraceJob t;
  std::vector<std::string_view> row;
  for (const auto& file : files) {
    if (files.size() > 1) out.id_prefix(Shaper::file_tag(file));
    csv::Reader r(file);
    if (!r.next_views(row)) throw InputError(r.label() + ": empty file, expected a header line");
    const Columns cols(row, kJobCols, 8, {}, r.label() + ":" + std::to_string(r.line()), file, "alibaba-2026-spot");
    t.file = r.label();
    while (r.next_views(row)) {
      const Cells c{r.label(), r.line(), cols, row};
      c.check_width();
      out.row();
      t.job.id.assign(c.text(kName));
      if (t.job.id.empty()) c.fail(kName, "expected a job name");
      const std::string_view type = c.text(kType);
      if (type != "HP" && type != "Spot") c.fail(kType, "expected HP or Spot");
      const double cpu = c.number(kCpu, 0, 1e8, "expected vCPUs per worker (>= 0)");
      const auto gpu = c.integer(kGpu, 0, 1'000'000, "expected GPUs per worker (integer >= 0)");
      const auto workers = c.integer(kWorkers, 1, 100'000, "expected a worker count (integer >= 1)");
      const double submit = c.number(kSubmit, 0, input::kMaxSeconds, "expected seconds (0 to 1e10)");
      const double duration = c.number(kDuration, 0, input::kMaxSeconds, "expected seconds (0 to 1e10)");
      if (gpu > 64) {
        out.skip("more than 64 GPUs per worker");
        continue;
      }
      t.line = r.line();
      t.vc.assign(c.text(kOrg));
      t.models = gpu > 0 ? std::string(c.text(kModel)) : std::string();
      t.num_nodes = workers;
      Job& j = t.job;
      j.kind = gpu > 0 ? JobKind::training : JobKind::preprocessing;
      j.submit_s = submit;
      j.duration_s = duration;
      j.req.cpu_milli = std::llround(cpu * 1000);
      j.req.memory_mib = 0;
      j.req.num_gpu = static_cast<std::int32_t>(gpu);
      j.req.gpu_milli = gpu > 0 ? 1000 : 0;
      j.req.model_mask = 0;
      j.priority = type == "HP" ? 1 : 0;
      if (type == "Spot") out.note("spot job imported as priority 0, not preemptible (preemption is another issue)");
      out.offer(t);
    }
  }
}

ClusterState read_spot2026_nodes(const std::filesystem::path& file, GpuModels& models) {
  csv::Reader r(file);
  std::vector<std::string_view> row;
  if (!r.next_views(row)) throw InputError(r.label() + ": empty file, expected a header line");
  const Columns cols(row, kNodeCols, 4, {}, r.label() + ":" + std::to_string(r.line()), file, "alibaba-2026-spot",
                     "alibaba-2026-spot/nodes");
  NodeListBuilder nodes(models);
  while (r.next_views(row)) {
    const Cells c{r.label(), r.line(), cols, row};
    c.check_width();
    const std::string name(c.text(0)), model(c.text(1));
    if (name.empty()) c.fail(0, "expected a node name");
    const auto gpus = c.integer(2, 0, 64, "expected a GPU count from 0 to 64");
    if (gpus > 0 && model.empty()) c.fail(1, "expected a GPU model when gpu_capacity_num > 0");
    const auto cpus = c.number(3, 0, 1e8, "expected vCPUs (>= 0)");
    nodes.add(c.at(), name, std::llround(cpus * 1000), 0, gpus, model);
  }
  return nodes.take(r.label());
}

} // namespace fleetsim::traces
