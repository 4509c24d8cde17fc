#pragma once
// Child processes of this very executable (/proc/self/exe), N at a time: how sweeps and
// compare run scenarios, since SimGrid allows one engine per process. Each child's stdout and
// stderr go to its log file. Ctrl-C (SIGINT) or SIGTERM stops launching, terminates the running
// children and returns; the caller then reports what finished.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace fleetsim::cli {

/// @brief Absolute path of the running executable.
std::filesystem::path self_exe();

/// @brief Processors this process may run on (at least 1): the default of `-j`.
unsigned default_jobs();

struct ChildJob {
  std::vector<std::string> args;  ///< arguments after argv[0]
  std::filesystem::path log;      ///< stdout and stderr (truncated); its folder must exist
};

struct PoolOptions {
  unsigned jobs = 1;        ///< children at a time
  bool progress = false;    ///< progress bar on stderr (runs done, rate, ETA)
  bool keep_going = false;  ///< false: stop launching after the first failure
  std::string unit = "runs";
};

struct PoolResult {
  std::vector<int> exit_codes;  ///< per job: exit status, 128 + signal, or -1 when never started
  bool interrupted = false;     ///< SIGINT or SIGTERM arrived
};

/// @brief Runs `jobs` as children of this executable; `on_done(index, exit_code)` is called in
/// the parent as each one ends.
PoolResult run_children(const std::vector<ChildJob>& jobs, const PoolOptions& options,
                        const std::function<void(std::size_t, int)>& on_done = {});

/// @brief The last `lines` lines of a text file ("" when unreadable).
std::string tail_of(const std::filesystem::path& file, int lines);

}  // namespace fleetsim::cli
