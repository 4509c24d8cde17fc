#pragma once
// SenseTime Helios (SC '21, S-Lab-System-Group/HeliosData): cluster_log.csv of Venus, Earth,
// Saturn and Uranus, one Slurm job per row:
//   job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue
// Times are text "YYYY-MM-DD HH:MM:SS" without a zone (China local time); duration = end -
// start and queue = start - submit, in seconds. States: COMPLETED, CANCELLED, FAILED, TIMEOUT,
// NODE_FAIL (and one SUSPENDED in Uranus).
//
// Job mapping: id = job_id; vc = vc; kind preprocessing when gpu_num is 0, else training;
// submit_s = submit_time; duration_s = duration (or end - start when it is missing);
// a job of node_num > 1 nodes is a gang of node_num allocations of gpu_num / node_num GPUs
// (rounded up, noted) and cpu_num / node_num cores; memory is not in the trace (0).
// Skipped, counted by reason: jobs that never started (no start_time, or CANCELLED with
// duration 0), jobs without an end, more than 64 GPUs on one node.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/io/traces/import.hpp"

namespace fleetsim::traces {

void read_helios(const std::vector<std::filesystem::path>& files, Shaper& out);

/// @brief cluster_gpu_number.csv (date, one column of GPUs per VC, total; daily) as a cluster:
/// the VC sizes of the file's last day, each VC's GPUs // 8 nodes named "<vc>-<i>", of 8 GPUs
/// and 96 CPU cores, the node shape of HeliosArtifact's simulator (framework/QSSF Service:
/// simulator.py defaults num_gpus_per_node 8, num_cpus_per_node 96; data/vc_dict_generator.py
/// takes one day's VC GPUs // 8 as nodes). Memory is not in the trace (0; Helios jobs ask
/// none). GPU model "helios-gpu" (the trace does not name it). Jobs are not confined to their
/// VC's nodes: replay one VC with workload.vc and a cluster of its size.
ClusterState read_helios_vcs(const std::filesystem::path& file, GpuModels& models);

/// @brief The Slurm-style job log both Helios and Acme publish, with a format's column set.
struct JobLogProfile {
  std::string format;                ///< "helios" | "acme"
  std::vector<std::string> ignored;  ///< columns read but not used
  bool has_vc = true;
};
void read_job_log(const std::vector<std::filesystem::path>& files, Shaper& out, const JobLogProfile& p);

} // namespace fleetsim::traces
