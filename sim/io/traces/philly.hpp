#pragma once
// Microsoft Philly (ATC '19, msr-fiddle/philly-traces, trace-data.tar.gz):
// - cluster_job_log: one JSON array of jobs {"status": "Pass"|"Killed"|"Failed", "vc", "jobid",
//   "attempts": [{"start_time", "end_time", "detail": [{"ip", "gpus": ["gpu0", ...]}]}],
//   "submitted_time", "user"}; times "YYYY-MM-DD HH:MM:SS" (US Pacific, no zone), null or
//   "None" when not logged. Read as a stream, one job object at a time.
// - cluster_machine_list: CSV "machineId,number of GPUs,single GPU mem" ("m31,8, 24GB").
//
// Every attempt is kept (a job's failed attempts are part of its history): attempt k of job J
// becomes job "J/k", submitted at J's submitted_time (k = 0) or when attempt k-1 ended (its
// retry re-entered the queue), running end_time - start_time on the GPUs its detail lists
// (several servers: a gang of one allocation per server, of the most GPUs any server had).
// An attempt without end_time, when it is the last (the job was still running at the
// snapshot), runs until the latest time the log mentions; the others are skipped (counted).
// Jobs without attempts (killed or failed before they started) are skipped, counted.
#include <filesystem>
#include <vector>

#include "sim/io/traces/import.hpp"

namespace fleetsim::traces {

void read_philly(const std::vector<std::filesystem::path>& files, Shaper& out);

/// @brief cluster_machine_list as a cluster: one node per machine with its GPUs, model named by
/// the GPU memory ("GPU-24GB"). The list gives no CPU or memory, so nodes have none; Philly
/// jobs ask for none.
ClusterState read_philly_machines(const std::filesystem::path& file, GpuModels& models);

} // namespace fleetsim::traces
