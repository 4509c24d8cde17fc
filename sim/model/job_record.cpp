#include "sim/model/job_record.hpp"

namespace fleetsim {

std::string_view to_string(JobStatus s) {
  switch (s) {
    case JobStatus::not_arrived: return "not_arrived";
    case JobStatus::pending: return "pending";
    case JobStatus::running: return "running";
    case JobStatus::completed: return "completed";
    case JobStatus::unplaceable: return "unplaceable";
  }
  return "pending";
}

} // namespace fleetsim
