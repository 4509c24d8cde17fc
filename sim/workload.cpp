#include "sim/workload.hpp"

#include "sim/error.hpp"
#include "sim/trace.hpp"

namespace fleetsim {

RunInputs load_inputs(const Scenario& sc) {
  RunInputs in;
  in.cluster = ClusterState::from_spec(sc.cluster, in.models);
  const auto& w = sc.workload;
  if (!w.trace.empty()) {
    if (w.format == "csv") in.jobs = read_csv_trace(w.trace, in.models);
    else if (w.format == "jsonl") in.jobs = read_jsonl_trace(w.trace, in.models);
    else throw InputError(w.trace.string() + ": unsupported trace format \"" + w.format + "\"");
  } else {
    const std::string label = sc.source.empty() ? std::string("scenario") : sc.source.string();
    for (std::size_t i = 0; i < w.inline_jobs.size(); ++i)
      in.jobs.push_back(job_from_json(w.inline_jobs[i], in.models, label + ": /workload/jobs/" + std::to_string(i), true));
    for (std::size_t i = 0; i < in.jobs.size(); ++i)
      for (std::size_t k = 0; k < i; ++k)
        if (in.jobs[k].id == in.jobs[i].id)
          throw InputError(label + ": /workload/jobs/" + std::to_string(i) + "/id: duplicate job id \"" + in.jobs[i].id + "\"");
  }
  return in;
}

} // namespace fleetsim
