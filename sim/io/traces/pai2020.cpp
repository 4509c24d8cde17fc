// PAI 2020 job and task tables (streamed; the job table's submission times held by job name)
// and the machine spec.
#include "sim/io/traces/pai2020.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "sim/common/error.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/io/traces/table.hpp"

namespace fleetsim::traces {
namespace {

const std::vector<std::string> kJobCols = {"job_name", "inst_id", "user", "status", "start_time", "end_time"};
const std::vector<std::string> kTaskCols = {"job_name", "task_name", "inst_num", "status",   "start_time",
                                            "end_time", "plan_cpu",  "plan_mem", "plan_gpu", "gpu_type"};
const std::vector<std::string> kInstanceCols = {"job_name", "task_name", "inst_name",  "worker_name", "inst_id",
                                                "status",   "start_time", "end_time", "machine"};
const std::vector<std::string> kMachineCols = {"machine", "gpu_type", "cap_cpu", "cap_mem", "cap_gpu"};
enum Task : std::size_t { kJob, kTask, kInstNum, kStatus, kStart, kEnd, kCpu, kMem, kGpu, kGpuType };

bool is_header(const std::vector<std::string_view>& row, const std::vector<std::string>& cols) {
  if (row.size() != cols.size()) return false;
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (trim(row[i]) != cols[i]) return false;
  return true;
}

/// Which table a file is, from its first row's width.
const std::vector<std::string>* table_of(const std::filesystem::path& file) {
  csv::Reader r(file);
  std::vector<std::string_view> row;
  if (!r.next_views(row)) throw InputError(r.label() + ": empty file, expected PAI 2020 table rows");
  if (row.size() == kJobCols.size()) return &kJobCols;
  if (row.size() == kTaskCols.size()) return &kTaskCols;
  if (row.size() == kInstanceCols.size()) return &kInstanceCols;
  const auto hint = sniff(file, "pai-2020");
  throw InputError(r.label() + ":" + std::to_string(r.line()) + ": " + std::to_string(row.size()) +
                   " fields; expected a PAI 2020 pai_job_table.csv (6 fields: " + Columns(kJobCols).list() +
                   ") or pai_task_table.csv (10 fields: " + Columns(kTaskCols).list() + ")" +
                   (hint.empty() ? std::string() : " (" + hint + ")"));
}

} // namespace

void read_pai2020(const std::vector<std::filesystem::path>& files, Shaper& out) {
  std::vector<std::filesystem::path> jobs, tasks;
  for (const auto& f : files) {
    const auto* t = table_of(f);
    if (t == &kInstanceCols)
      throw InputError(input::shown(f) + ": this is a pai_instance_table.csv, which the import does not need (the task "
                                         "table gives each task's instances and request); pass pai_job_table.csv and "
                                         "pai_task_table.csv");
    (t == &kJobCols ? jobs : tasks).push_back(f);
  }
  if (tasks.empty())
    throw InputError(input::shown(files.front()) + ": no pai_task_table.csv among the files (10 fields a row); "
                                                   "pass it, with pai_job_table.csv for submission times");
  // Submission times of jobs.
  std::unordered_map<std::string, double> submitted;
  std::vector<std::string_view> row;
  double latest = -1e300;
  for (const auto& f : jobs) {
    csv::Reader r(f);
    const Columns cols(kJobCols);
    bool first = true;
    while (r.next_views(row)) {
      if (std::exchange(first, false) && is_header(row, kJobCols)) continue;
      const Cells c{r.label(), r.line(), cols, row};
      c.check_width();
      const std::string name(c.text(0));
      if (name.empty()) c.fail(0, "expected a job name");
      const auto start = c.opt_number(4, 0, input::kMaxSeconds, "expected seconds (0 to 1e10) or nothing");
      const auto end = c.opt_number(5, 0, input::kMaxSeconds, "expected seconds (0 to 1e10) or nothing");
      if (end) latest = std::max(latest, *end);
      if (start) submitted.emplace(name, *start);
    }
  }
  // The tables are not sorted by time, so time 0 is fixed before any task is read: the start
  // of the day of the earliest submission in the job table, or the clock's 0 without it.
  if (!submitted.empty()) {
    double first = submitted.begin()->second;
    for (const auto& [name, t] : submitted) first = std::min(first, t);
    const double day = std::floor(first / 86400.0) * 86400.0;
    char text[96];
    std::snprintf(text, sizeof text, "%.0f s on the trace clock (the start of the earliest submission's day)", day);
    out.fixed_origin(day, text);
  } else {
    out.fixed_origin(0, "0 s on the trace clock (no job table: its clock's zero)");
  }
  TraceJob t;
  std::vector<TraceJob> open;
  std::vector<double> open_start;
  for (const auto& f : tasks) {
    csv::Reader r(f);
    const Columns cols(kTaskCols);
    t.file = r.label();
    bool first = true;
    while (r.next_views(row)) {
      if (std::exchange(first, false) && is_header(row, kTaskCols)) continue;
      const Cells c{r.label(), r.line(), cols, row};
      c.check_width();
      out.row();
      const std::string_view job = c.text(kJob), task = c.text(kTask);
      if (job.empty()) c.fail(kJob, "expected a job name");
      const auto start = c.opt_number(kStart, 0, input::kMaxSeconds, "expected seconds (0 to 1e10) or nothing");
      const auto end = c.opt_number(kEnd, 0, input::kMaxSeconds, "expected seconds (0 to 1e10) or nothing");
      const double inst = c.missing(kInstNum) ? 1 : c.number(kInstNum, 0, 100'000, "expected an instance count");
      const double cpu = c.missing(kCpu) ? 0 : c.number(kCpu, 0, 1e8, "expected percent of a core (>= 0)");
      const double mem = c.missing(kMem) ? 0 : c.number(kMem, 0, 1e9, "expected GB (>= 0)");
      const double gpu = c.missing(kGpu) ? 0 : c.number(kGpu, 0, 6400, "expected percent of a GPU (0 to 6400)");
      if (end) latest = std::max(latest, *end);
      if (!start) {
        out.skip("task never started (" + (c.text(kStatus).empty() ? std::string("no status") : std::string(c.text(kStatus))) + ")");
        continue;
      }
      if (inst != std::floor(inst)) c.fail(kInstNum, "expected a whole number of instances");
      if (inst < 1) {
        out.skip("task without instances (inst_num 0)");
        continue;
      }
      t.job.id.assign(job).append("/").append(task);
      t.line = r.line();
      t.vc.clear();
      t.num_nodes = static_cast<std::int64_t>(inst);
      t.models = c.missing(kGpuType) || gpu == 0 ? std::string() : std::string(c.text(kGpuType));
      Job& j = t.job;
      if (gpu == 0) {
        j.req.num_gpu = 0;
        j.req.gpu_milli = 0;
      } else if (gpu <= 100) {
        j.req.num_gpu = 1;
        j.req.gpu_milli = std::max<std::int32_t>(1, static_cast<std::int32_t>(std::lround(gpu * 10)));
      } else {
        j.req.num_gpu = static_cast<std::int32_t>(std::ceil(gpu / 100.0));
        j.req.gpu_milli = 1000;
        if (j.req.num_gpu * 100.0 != gpu) out.note("plan_gpu above 100 and not a multiple of 100: rounded up to whole GPUs");
      }
      j.kind = gpu == 0 ? JobKind::preprocessing : JobKind::training;
      j.req.cpu_milli = std::llround(cpu * 10);
      j.req.memory_mib = std::llround(mem * 1024);
      j.req.model_mask = 0;
      j.priority = 0;
      const auto sub = submitted.find(std::string(job));
      if (!jobs.empty() && sub == submitted.end()) out.note("task whose job is not in the job table: submitted at its start");
      j.submit_s = sub != submitted.end() ? std::min(sub->second, *start) : *start;
      if (!end) {
        open.push_back(t);
        open_start.push_back(*start);
        continue;
      }
      if (*end < *start) {
        out.skip("task ending before it started");
        continue;
      }
      // A task's run time counts from its launch; its wait (launch - submission) is the scheduler's.
      j.duration_s = *end - *start;
      out.offer(t);
    }
  }
  for (std::size_t i = 0; i < open.size(); ++i) {
    open[i].job.duration_s = std::max(0.0, latest - open_start[i]);
    out.note("task without end_time (Running): runs until the table's latest time");
    out.offer(open[i]);
  }
}

ClusterState read_pai2020_machines(const std::filesystem::path& file, GpuModels& models) {
  csv::Reader r(file);
  std::vector<std::string_view> row;
  NodeListBuilder nodes(models);
  const Columns cols(kMachineCols);
  bool first = true;
  while (r.next_views(row)) {
    const Cells c{r.label(), r.line(), cols, row};
    if (std::exchange(first, false)) {
      if (is_header(row, kMachineCols)) continue;
      if (row.size() != kMachineCols.size()) {
        const auto hint = sniff(file, "pai-2020/nodes");
        throw InputError(c.at() + ": expected a PAI 2020 pai_machine_spec.csv row (" + cols.list() + ")" +
                         (hint.empty() ? std::string() : " (" + hint + ")"));
      }
    }
    c.check_width();
    const std::string name(c.text(0)), type(c.text(1));
    if (name.empty()) c.fail(0, "expected a machine name");
    const auto cores = c.number(2, 0, 1e8, "expected CPU cores (>= 0)");
    const auto gb = c.number(3, 0, 1e9, "expected memory in GB (>= 0)");
    const auto gpus = c.integer(4, 0, 64, "expected a GPU count from 0 to 64");
    if (type.empty()) c.fail(1, "expected a GPU type (MISC, P100, T4, V100, V100M32) or CPU");
    if (type == "CPU" && gpus > 0) c.fail(4, "expected 0 GPUs on a CPU machine");
    if (type != "CPU" && gpus == 0) c.fail(4, "expected GPUs on a machine of GPU type " + type);
    nodes.add(c.at(), name, std::llround(cores * 1000), std::llround(gb * 1024), gpus, type == "CPU" ? "" : type);
  }
  return nodes.take(r.label());
}

} // namespace fleetsim::traces
