// The Alibaba v2023 pod-list reader. Seeds: scenarios/data/alibaba-v2023/openb_pod_list_*.csv (cut).
#include "harness.hpp"
#include "sim/io/traces/alibaba_v2023.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fleetsim::GpuModels models = [] {
    fleetsim::GpuModels m;
    for (const char* n : {"A10", "G2", "G3", "P100", "T4", "V100M16", "V100M32"}) m.intern(n);
    return m;
  }();
  const auto file = fuzz::put("fuzzed-pods.csv", data, size);
  return fuzz::guarded([&] { (void)fleetsim::alibaba::jobs_of(fleetsim::alibaba::read_pod_list(file, models)); });
}
