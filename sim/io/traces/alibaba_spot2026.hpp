#pragma once
// Alibaba spot GPU trace (GFS, ASPLOS '26, alibaba/clusterdata cluster-trace-v2026-spot-gpu):
// - node_info_df.csv (a node list): gpu_model,gpu_capacity_num,cpu_num,node_name (the file's
//   order; the publisher's README lists node_name first; columns are matched by name).
// - job_info_df.csv: job_name,organization,gpu_model,cpu_request,gpu_request,worker_num,
//   submit_time,duration,job_type; submit_time in seconds from the first submitted job,
//   duration in seconds, job_type HP (high priority) or Spot.
//
// Job mapping: id = job_name; the organization is the virtual cluster (--vc 13); gpu_model
// the allowed model; a gang of worker_num workers, each cpu_request x 1000 milli-cores and
// gpu_request whole GPUs (memory is not in the trace: 0); HP jobs priority 1, Spot jobs 0.
// Spot jobs are imported but not preempted: preemption waits for the scheduling issue (noted).
// Nodes: cpu_num vCPUs, gpu_capacity_num GPUs of gpu_model, no memory figure (0).
#include <filesystem>
#include <vector>

#include "sim/io/traces/import.hpp"

namespace fleetsim::traces {

void read_spot2026(const std::vector<std::filesystem::path>& files, Shaper& out);
ClusterState read_spot2026_nodes(const std::filesystem::path& file, GpuModels& models);

} // namespace fleetsim::traces
