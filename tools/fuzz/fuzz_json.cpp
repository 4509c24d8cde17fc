// The one JSON entry point (sim/io/input.hpp) every JSON file goes through: depth, number
// range, UTF-8, trailing garbage. Seeds: every committed .json file.
#include "harness.hpp"
#include "sim/io/input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  return fuzz::guarded([&] {
    const auto doc = fleetsim::input::parse_json(text, "fuzzed.json");
    (void)doc.dump();  // valid UTF-8 was checked: dumping cannot throw
  });
}
