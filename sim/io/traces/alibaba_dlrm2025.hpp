#pragma once
// Alibaba GPU-disaggregated DLRM inference trace (NSDI '25, alibaba/clusterdata
// cluster-trace-gpu-v2025/disaggregated_DLRM_trace.csv), one inference instance per row:
//   instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,
//   rdma_limit,memory_request,memory_limit,disk_request,disk_limit,max_instance_per_node,
//   creation_time,scheduled_time,deletion_time
// role CN (CPU node) or HN (heterogeneous GPU node); CPU in vCPU, memory and disk in GiB, RDMA
// in percent of one NIC, max_instance_per_node the app's per-node cap (-1: none); times in
// seconds from the trace start, empty (the publisher's NaN) when the event lies outside the
// trace: creation/scheduling before its start, deletion after its end.
//
// Job mapping: id = instance_sn; kind inference; the app (service) is the virtual cluster
// (--vc app_0); cpu_request x 1000 milli-cores, memory_request x 1024 MiB, gpu_request whole
// GPUs. As the publisher's README says, an instance created (or scheduled) before the trace
// started is submitted at 0 and runs from 0; one deleted after the end runs until the trace's
// end, taken as the latest time in the file. An instance created inside the trace but never
// scheduled is skipped (counted). RDMA share, disk and the per-node cap are read and
// validated but not enforced by placement (noted per instance): the cluster model has no RDMA
// or anti-affinity resource yet.
#include <filesystem>
#include <vector>

#include "sim/io/traces/import.hpp"

namespace fleetsim::traces {

void read_dlrm2025(const std::vector<std::filesystem::path>& files, Shaper& out);

} // namespace fleetsim::traces
