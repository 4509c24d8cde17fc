#pragma once
// Shanghai AI Lab Acme (NSDI '24, InternLM/AcmeTrace): data/job_trace/trace_seren.csv and
// trace_kalos.csv, the Helios layout without vc and with more columns:
//   Seren: job_id,user,node_num,gpu_num,cpu_num,type,state,submit_time,start_time,end_time,
//          duration,queue,gpu_time
//   Kalos: the same plus mem_per_pod_GB,shared_mem_per_pod,fail_time,stop_time
// Times carry a zone ("2023-03-01 00:18:22+08:00"). Mapped as Helios (helios.hpp); Kalos'
// mem_per_pod_GB becomes memory per node (GiB -> MiB). No virtual clusters.
#include <filesystem>
#include <vector>

#include "sim/io/traces/import.hpp"

namespace fleetsim::traces {

void read_acme(const std::vector<std::filesystem::path>& files, Shaper& out);

} // namespace fleetsim::traces
