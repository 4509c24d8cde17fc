#include "sim/study/process_pool.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/common/progress.hpp"

extern char** environ;

namespace fleetsim::cli {
namespace {

int g_wake[2] = {-1, -1};
volatile std::sig_atomic_t g_stop_signal = 0;

void on_child(int) {
  const int saved = errno;
  [[maybe_unused]] auto n = ::write(g_wake[1], "c", 1);
  errno = saved;
}
void on_stop(int sig) {
  const int saved = errno;
  g_stop_signal = sig;
  [[maybe_unused]] auto n = ::write(g_wake[1], "s", 1);
  errno = saved;
}

/// Installs the handlers for the pool's lifetime and restores the previous ones after.
class Signals {
 public:
  Signals() {
    if (::pipe2(g_wake, O_NONBLOCK | O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    g_stop_signal = 0;
    install(SIGCHLD, on_child, old_chld_);
    install(SIGINT, on_stop, old_int_);
    install(SIGTERM, on_stop, old_term_);
  }
  ~Signals() {
    ::sigaction(SIGCHLD, &old_chld_, nullptr);
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::close(g_wake[0]);
    ::close(g_wake[1]);
    g_wake[0] = g_wake[1] = -1;
  }
  Signals(const Signals&) = delete;
  Signals& operator=(const Signals&) = delete;

 private:
  static void install(int sig, void (*fn)(int), struct sigaction& old) {
    struct sigaction sa {};
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
    ::sigaction(sig, &sa, &old);
  }
  struct sigaction old_chld_ {
  }, old_int_{}, old_term_{};
};

pid_t spawn(const std::filesystem::path& exe, const ChildJob& job) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, job.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, dfl;  // children start with default handlers and nothing blocked
  sigemptyset(&none);
  sigemptyset(&dfl);
  sigaddset(&dfl, SIGINT);
  sigaddset(&dfl, SIGTERM);
  sigaddset(&dfl, SIGCHLD);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &dfl);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> storage;
  storage.push_back(exe.string());
  storage.insert(storage.end(), job.args.begin(), job.args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, exe.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("cannot start " + exe.string() + ": " + std::strerror(rc));
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace

std::filesystem::path self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot resolve /proc/self/exe: " + ec.message());
  return p;
}

unsigned default_jobs() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

PoolResult run_children(const std::vector<ChildJob>& jobs, const PoolOptions& opt,
                        const std::function<void(std::size_t, int)>& on_done) {
  PoolResult res;
  res.exit_codes.assign(jobs.size(), -1);
  if (jobs.empty()) return res;
  const auto exe = self_exe();
  Signals signals;
  ProgressBar bar(jobs.size(), opt.progress, opt.unit);
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, finished = 0;
  bool stop = false, terminated = false;
  const unsigned width = std::max(1u, opt.jobs);
  while (next < jobs.size() || !running.empty()) {
    while (!stop && running.size() < width && next < jobs.size()) {
      running[spawn(exe, jobs[next])] = next;
      ++next;
    }
    if (running.empty()) break;
    pollfd p{g_wake[0], POLLIN, 0};
    ::poll(&p, 1, 250);
    char buf[64];
    while (::read(g_wake[0], buf, sizeof buf) > 0) {
    }
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      auto it = running.find(pid);
      if (it == running.end()) continue;
      const std::size_t i = it->second;
      running.erase(it);
      res.exit_codes[i] = exit_code_of(status);
      ++finished;
      if (res.exit_codes[i] != 0 && !opt.keep_going) stop = true;
      if (on_done) on_done(i, res.exit_codes[i]);
    }
    if (g_stop_signal && !terminated) {
      res.interrupted = stop = terminated = true;
      for (const auto& [child, i] : running) ::kill(child, SIGTERM);
    }
    bar.tick(finished);
  }
  bar.done();
  return res;
}

std::string tail_of(const std::filesystem::path& file, int lines) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::size_t pos = text.size();
  for (int n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

}  // namespace fleetsim::cli
