#pragma once
// The Standard Workload Format of the Parallel Workloads Archive (Feitelson et al.; the format
// Batsim also reads): header comments starting with ';', then one job per line, 18
// whitespace-separated numbers, -1 for "unknown":
//   1 job number, 2 submit time (s), 3 wait time, 4 run time, 5 allocated processors,
//   6 average CPU time, 7 used memory (KB), 8 requested processors, 9 requested time,
//   10 requested memory (KB per processor), 11 status (1 completed, 0 failed, 5 cancelled),
//   12 user, 13 group, 14 executable, 15 queue, 16 partition, 17 preceding job, 18 think time.
//
// Job mapping: id = job number; submit_s = submit time (the log's clock, 0 = its start);
// duration_s = run time; processors (allocated, else requested) are CPU cores (SWF has no
// GPUs: jobs are CPU jobs, kind preprocessing); memory = requested memory x processors (KB ->
// MiB, 0 when unknown); the queue number is the virtual cluster (--vc 3). Skipped, counted:
// no run time, no processors, cancelled before start (status 5 with run time 0).
#include <filesystem>
#include <vector>

#include "sim/io/traces/import.hpp"

namespace fleetsim::traces {

void read_swf(const std::vector<std::filesystem::path>& files, Shaper& out);

} // namespace fleetsim::traces
