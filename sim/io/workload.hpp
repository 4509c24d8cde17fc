#pragma once
// Turns a validated scenario into the run's inputs: the cluster state and the job list.
#include <vector>

#include "sim/model/cluster.hpp"
#include "sim/measure/fragmentation.hpp"
#include "sim/model/job.hpp"
#include "sim/model/gpu_models.hpp"
#include "sim/io/scenario.hpp"
#include "sim/io/work_catalog.hpp"

namespace fleetsim {

struct RunInputs {
  GpuModels models;
  ClusterState cluster;
  std::vector<Job> jobs;
  MigCatalog mig;  ///< MIG-enabled GPU models and the profile names jobs use
};

/// @brief Builds the cluster and reads the workload (trace file or inline jobs).
/// Throws InputError with file:line or JSON pointer on bad data.
RunInputs load_inputs(const Scenario& scenario);

/// @brief The fragmentation target of the scenario: explicit shapes, or the most popular
/// shapes of the (original, unsampled) workload.
FragTarget fragmentation_target(const Scenario& scenario, const RunInputs& inputs);

} // namespace fleetsim
