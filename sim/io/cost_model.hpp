#pragma once
// The cost model of a scenario: its `cost` section resolved against the cluster into priced,
// powered assets (sim/measure/cost.hpp), scenario values first, then the documented defaults.
#include "sim/io/scenario.hpp"
#include "sim/measure/cost.hpp"
#include "sim/model/cluster.hpp"
#include "sim/model/gpu_models.hpp"

namespace fleetsim::cost {

/// @brief The cost model of a scenario resolved against its cluster: every node, GPU model,
/// chassis, switch and fabric port priced (scenario values, else the documented defaults),
/// with busy_s left at 0. Throws InputError (located in the scenario) when the cloud pricing
/// lacks an hourly price.
Usage inventory(const Scenario& scenario, const ClusterState& cluster, const GpuModels& models, Tariff& tariff);

} // namespace fleetsim::cost
