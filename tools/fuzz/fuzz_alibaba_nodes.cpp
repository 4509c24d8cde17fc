// The Alibaba v2023 node-list reader. Seeds: scenarios/data/alibaba-v2023/openb_node_list_*.csv.
#include "harness.hpp"
#include "sim/io/traces/alibaba_v2023.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::put("fuzzed-nodes.csv", data, size);
  return fuzz::guarded([&] {
    fleetsim::GpuModels models;
    (void)fleetsim::alibaba::read_node_list(file, models);
  });
}
