// Slurm for real: a localhost cluster (munged, slurmctld, slurmd on the loopback address, every
// file in a temporary folder) runs a sweep emitted with --emit slurm as a job array; --collect
// must give the local sweep's results. Installs slurm-wlm when missing (as root); skipped (exit
// 77) with the reason only when it cannot be installed or run.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

using json = nlohmann::json;

#include "tests/cli_test.hpp"

namespace {

const std::string kSrc = FLEETSIM_SOURCE_DIR;


/// Runs a shell command; returns its exit code, stdout in `out`.
int sh(const std::string& cmd, std::string* out = nullptr, const fs::path& io = fs::temp_directory_path()) {
  const auto o = io / "sh.out", e = io / "sh.err";
  const int status = std::system((cmd + " >'" + o.string() + "' 2>'" + e.string() + "'").c_str());
  if (out) *out = slurp(o);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code != 0) MESSAGE(cmd << "\nexit " << code << "\n" << slurp(e));
  return code;
}

/// Stops the daemons of `dir` however the test ends.
struct Cluster {
  fs::path dir;
  void stop() const {
    std::system(("'" + kSrc + "/tests/slurm/localhost-cluster.sh' stop '" + dir.string() + "'").c_str());
  }
  ~Cluster() { stop(); }
};

}  // namespace

TEST_CASE("Slurm: a sweep emitted as a job array runs on a localhost cluster and collects to the local results") {
  const fs::path dir = fs::temp_directory_path() / ("fleetsim-slurm-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string cli = std::string("'") + FLEETSIM_CLI + "'";

  // The sweep: two FGD-paper policies x three seeds of the fill experiment.
  std::ofstream(dir / "s.sweep.json") << R"({"name": "slurm-demo", "scenario": ")" << kSrc
                                      << R"(/scenarios/alibaba-v2023/fill-fgd.json",
      "grid": {"policy.placement": ["best-fit", "fgd"], "seed": [42, 43, 44]}})";
  REQUIRE(sh(cli + " sweep " + (dir / "s.sweep.json").string() + " -q -o " + (dir / "local").string(), nullptr, dir) ==
          0);
  REQUIRE(sh(cli + " sweep " + (dir / "s.sweep.json").string() + " -o " + (dir / "remote").string() +
                 " --emit slurm --sbatch=--time=10",
             nullptr, dir) == 0);
  CHECK_FALSE(fs::exists(dir / "remote/runs"));

  Cluster cluster{dir / "cluster"};
  const auto start = std::chrono::steady_clock::now();
  const std::string start_cmd = "'" + kSrc + "/tests/slurm/localhost-cluster.sh' start '" + cluster.dir.string() + "'";
  const int status = std::system(
      (start_cmd + " >'" + (dir / "start.out").string() + "' 2>'" + (dir / "start.err").string() + "'").c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 77) {
    std::fprintf(stderr, "SKIPPED: %s\n", slurp(dir / "start.err").c_str());
    std::exit(77);  // ctest reports it as skipped
  }
  REQUIRE_MESSAGE(code == 0, slurp(dir / "start.err"));
  const std::string env = "SLURM_CONF='" + (cluster.dir / "slurm.conf").string() + "' ";
  MESSAGE("cluster up after " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                              << " s");

  std::string job;
  REQUIRE(sh(env + "sbatch --parsable '" + (dir / "remote/sweep.sbatch").string() + "'", &job, dir) == 0);
  job = job.substr(0, job.find_first_of(";\n"));
  REQUIRE_FALSE(job.empty());
  // Wait (bounded) until no task of the array is queued or running.
  bool done = false;
  std::string queue;
  for (int i = 0; i < 600 && !done; ++i) {
    REQUIRE(sh(env + "squeue -h -j " + job + " -o %i:%T", &queue, dir) == 0);
    done = queue.find_first_not_of(" \n") == std::string::npos;
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  REQUIRE_MESSAGE(done, "the job array did not finish within 150 s; squeue: " << queue << "\nslurmctld.log:\n"
                                                                              << slurp(cluster.dir / "slurmctld.log"));

  // Each task ran one point (its Slurm output names it); --collect equals the local sweep.
  std::size_t outputs = 0;
  for (const auto& e : fs::directory_iterator(dir / "remote/slurm")) {
    ++outputs;
    CHECK(slurp(e.path()).find("run ") == 0);
  }
  CHECK(outputs == 6);
  REQUIRE(sh(cli + " sweep --collect " + (dir / "remote").string(), nullptr, dir) == 0);
  const json local = json::parse(slurp(dir / "local/results.json")),
             remote = json::parse(slurp(dir / "remote/results.json"));
  REQUIRE(local["groups"].size() == 2);
  CHECK(remote == local);
  CHECK(remote["groups"][1]["metrics"]["fill.gpu_alloc_pct"]["n"] == 3);
  cluster.stop();
  fs::remove_all(dir);  // kept when the test fails: the daemons' logs are in cluster/
}
