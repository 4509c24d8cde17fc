// The native CSV trace reader. Seeds: scenarios/**/*.csv traces.
#include "harness.hpp"
#include "sim/io/traces/native.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fleetsim::GpuModels models = [] {
    fleetsim::GpuModels m;
    m.intern("A100");
    m.intern("T4");
    return m;
  }();
  const auto file = fuzz::put("fuzzed.csv", data, size);
  return fuzz::guarded([&] { (void)fleetsim::read_csv_trace(file, models); });
}
