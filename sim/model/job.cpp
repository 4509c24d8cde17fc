#include "sim/model/job.hpp"

namespace fleetsim {

std::string_view to_string(JobKind k) {
  switch (k) {
    case JobKind::training: return "training";
    case JobKind::inference: return "inference";
    case JobKind::preprocessing: return "preprocessing";
  }
  return "training";
}

bool parse_job_kind(std::string_view s, JobKind& out) {
  if (s == "training") out = JobKind::training;
  else if (s == "inference") out = JobKind::inference;
  else if (s == "preprocessing") out = JobKind::preprocessing;
  else return false;
  return true;
}

} // namespace fleetsim
