// Scenario loading and validation, as `fleetsim validate` does it: load_scenario (read, parse,
// validate, convert) then load_inputs (cluster, workload, limits). Seeds: scenarios/**/*.json.
#include "harness.hpp"
#include "sim/io/scenario.hpp"
#include "sim/io/workload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::put("fuzzed.json", data, size);
  return fuzz::guarded([&] {
    const auto sc = fleetsim::load_scenario(file);
    (void)fleetsim::load_inputs(sc);
  });
}
