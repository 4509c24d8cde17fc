// Baselines (fleetsim check --baseline). Seeds: scenarios/baselines/**/*.json.
#include "harness.hpp"
#include "sim/study/baseline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::put("fuzzed-baseline.json", data, size);
  return fuzz::guarded([&] { (void)fleetsim::baseline::read(file); });
}
