#pragma once
// Shared by the fuzz targets: the input goes to a file (the readers take paths, as the CLI
// does) in a private scratch folder with a valid trace and node list beside it, so a fuzzed
// scenario or sweep can refer to them. InputError is the expected outcome of bad input; any
// other exception is what the CLI would report as an internal error (exit 3): a finding, so
// the target aborts and libFuzzer saves the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "sim/common/error.hpp"

namespace fuzz {

namespace fs = std::filesystem;

inline const fs::path& scratch() {
  static const fs::path dir = [] {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path d = base / ("fleetsim-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::ofstream(d / "trace.csv") << "id,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli\n"
                                      "j1,0,10,1000,1024,1,1000\nj2,1,5,2000,2048,0,0\n";
    std::ofstream(d / "trace.jsonl") << "{\"id\": \"j1\", \"submit_s\": 0, \"duration_s\": 10, \"cpu_milli\": 1000, "
                                        "\"memory_mib\": 1024, \"num_gpu\": 1, \"gpu_milli\": 1000}\n";
    std::ofstream(d / "nodes.csv") << "sn,cpu_milli,memory_mib,gpu,model\nn1,64000,262144,8,A100\nn2,32000,131072,0,\n";
    std::ofstream(d / "scenario.json")
        << R"({"name": "s", "cluster": {"nodes": [{"name": "n", "count": 2, "cpu_milli": 64000, "memory_mib": 262144, "gpus": 8, "gpu_model": "A100"}]}, "workload": {"trace": "trace.csv"}})";
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(scratch(), ec);
    });
    return d;
  }();
  return dir;
}

/// Writes the fuzz input to scratch()/name and returns its path.
inline fs::path put(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const fs::path p = scratch() / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return p;
}

/// Runs `f`; InputError is fine, anything else aborts (a finding).
template <class F>
int guarded(F&& f) {
  try {
    f();
  } catch (const fleetsim::InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: internal error (the CLI would exit 3): %s\n", e.what());
    std::abort();
  }
  return 0;
}

} // namespace fuzz
