// Layering probe (tests/CMakeLists.txt): the model layer must not see the engine's headers.
// This file must FAIL to compile; the test passes only on "No such file or directory".
#include "sim/model/cluster.hpp"
#include "sim/engine/simulation.hpp"

int layering_probe_wrong_way() { return 0; }
