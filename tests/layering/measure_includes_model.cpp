// Layering probe (tests/CMakeLists.txt): the measurement layer may include the model layer.
#include "sim/model/cluster.hpp"
#include "sim/measure/fragmentation.hpp"

int layering_probe_ok() { return fleetsim::ClusterState{}.num_nodes(); }
