// Sweep files: load_sweep parses, validates, expands the grid and validates every point's
// scenario (scratch()/scenario.json is a valid base). Seeds: scenarios/**/*.sweep.json.
#include "harness.hpp"
#include "sim/study/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::put("fuzzed.sweep.json", data, size);
  return fuzz::guarded([&] { (void)fleetsim::sweep::load_sweep(file, fuzz::scratch() / "out"); });
}
