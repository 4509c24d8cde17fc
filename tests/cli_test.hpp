#pragma once
// Helpers for tests that drive the `fleetsim` binary: run it from the source folder, capture
// its exit code and output, read files back. FLEETSIM_CLI and FLEETSIM_SOURCE_DIR come from
// tests/CMakeLists.txt.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string out, err;
};

/// @brief The whole file as a string ("" when it cannot be read).
inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// @brief A fresh (removed) folder for this test process: <tmp>/fleetsim-test-<pid>/<name>.
inline fs::path temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("fleetsim-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  return d;
}

/// @brief Runs the CLI with `args` from the source folder; captures exit code, stdout, stderr.
inline Result cli(const std::string& args) {
  const auto dir = temp_dir("io");
  fs::create_directories(dir);
  const std::string cmd = std::string("cd '") + FLEETSIM_SOURCE_DIR + "' && '" + FLEETSIM_CLI + "' " + args + " >'" +
                          (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "out"), slurp(dir / "err")};
}
