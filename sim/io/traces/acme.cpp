// Acme trace_seren.csv / trace_kalos.csv: the Helios job-log reader with Acme's columns.
#include "sim/io/traces/acme.hpp"

#include "sim/io/traces/helios.hpp"

namespace fleetsim::traces {

void read_acme(const std::vector<std::filesystem::path>& files, Shaper& out) {
  // type (workload type), gpu_time (= duration x gpu_num), shared_mem_per_pod, fail_time and
  // stop_time are read as known columns and not used.
  read_job_log(files, out, {"acme", {}, false});
}

} // namespace fleetsim::traces
