// Pipelines as data: the monolithic container's request and its compatibility rule.
#include "sim/model/job_work.hpp"

namespace fleetsim {

std::string_view to_string(ExecMode m) { return m == ExecMode::monolithic ? "monolithic" : "disaggregated"; }

bool parse_exec_mode(std::string_view s, ExecMode& out) {
  if (s == "monolithic") out = ExecMode::monolithic;
  else if (s == "disaggregated") out = ExecMode::disaggregated;
  else return false;
  return true;
}

bool monolithic_compatible(const PipelineSpec& p, std::string* why) {
  const StageSpec* first = nullptr;
  for (const auto& s : p.stages) {
    if (!s.uses_gpu()) continue;
    if (!first) {
      first = &s;
      continue;
    }
    if (s.req.gpu_milli != first->req.gpu_milli || s.req.mig != first->req.mig) {
      if (why)
        *why = "stages \"" + first->name + "\" and \"" + s.name +
               "\" ask for different GPU shares; one monolithic container holds one kind of GPU share";
      return false;
    }
    if (first->req.model_mask && s.req.model_mask && !(first->req.model_mask & s.req.model_mask)) {
      if (why) *why = "stages \"" + first->name + "\" and \"" + s.name + "\" allow no GPU model in common";
      return false;
    }
  }
  return true;
}

Request monolithic_request(const PipelineSpec& p) {
  Request r;
  for (const auto& s : p.stages) {
    const std::int64_t w = s.workers;
    r.cpu_milli = std::max(r.cpu_milli, w * s.req.cpu_milli);
    r.memory_mib = std::max(r.memory_mib, w * s.req.memory_mib);
    if (!s.uses_gpu()) continue;
    r.num_gpu = std::max<std::int32_t>(r.num_gpu, static_cast<std::int32_t>(w * s.req.num_gpu));
    r.gpu_milli = s.req.gpu_milli;
    r.mig = s.req.mig;
    if (s.req.model_mask) r.model_mask = r.model_mask ? (r.model_mask & s.req.model_mask) : s.req.model_mask;
  }
  return r;
}

} // namespace fleetsim
