#pragma once
// Alibaba PAI GPU trace v2020 (NSDI '22, alibaba/clusterdata cluster-trace-gpu-v2020). The
// tables ship without a header row (column names are in the *.header files); a header row,
// when present, is accepted.
// - pai_job_table.csv:  job_name,inst_id,user,status,start_time,end_time (start = submission)
// - pai_task_table.csv: job_name,task_name,inst_num,status,start_time,end_time,plan_cpu,
//   plan_mem,plan_gpu,gpu_type (start = launch)
// - pai_machine_spec.csv: machine,gpu_type,cap_cpu,cap_mem,cap_gpu (a node list)
// Times are seconds on a shifted clock; plan_cpu is percent of a core, plan_mem GB, plan_gpu
// percent of a GPU.
//
// Job mapping: one job per task, id "<job_name>/<task_name>", a gang of inst_num instances,
// each asking plan_cpu x 10 milli-cores, plan_mem x 1024 MiB and plan_gpu: up to 100 percent
// is a share of one GPU (gpu_milli = plan_gpu x 10), above it ceil(plan_gpu / 100) whole GPUs
// (noted when not a multiple of 100); gpu_type (MISC, P100, T4, V100, V100M32) is the allowed
// model. submit_s = the job's start_time from the job table (its submission; the task's own
// start_time when the job table is not given or lacks the job); duration_s = end - start.
// Tasks that never started (Waiting, no start_time) are skipped; Running tasks without
// end_time run until the latest time of the table. The instance table is not read: the task
// table already gives each task's instances and their request.
#include <filesystem>
#include <vector>

#include "sim/io/traces/import.hpp"

namespace fleetsim::traces {

/// @brief Files in any order: pai_job_table.csv (optional) and pai_task_table.csv, told apart
/// by their column count (6 and 10).
void read_pai2020(const std::vector<std::filesystem::path>& files, Shaper& out);

/// @brief pai_machine_spec.csv as a cluster: cap_cpu cores, cap_mem GB (x 1024 MiB), cap_gpu
/// GPUs of gpu_type (CPU: none). Node names kept.
ClusterState read_pai2020_machines(const std::filesystem::path& file, GpuModels& models);

} // namespace fleetsim::traces
