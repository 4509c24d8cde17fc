// The bad-input corpus (issue 17): every folder of tests/data/bad/ is one hostile input with
// its expected exit code and exact message (case.txt; written by make-corpus.py). Each is run
// through the CLI in a scratch copy of its folder; the test checks the exit code, that stderr is
// exactly "fleetsim: error: <message>\n" with nothing on stdout, that no file appeared or
// changed, and (in builds without sanitizers) that the rejection took at most 1 s of CPU time and
// 100 MiB of memory (peak RSS).
// FLEETSIM_REJECT_REPORT=<file> writes each case's time and peak memory (tools/bench/reject-corpus.sh).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

#include "tests/cli_test.hpp"

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

const fs::path kCorpus = fs::path(FLEETSIM_SOURCE_DIR) / "tests/data/bad";

struct Case {
  std::string name;
  std::vector<std::string> args;
  int exit = -1;
  std::string error, sparse;
};

Case read_case(const fs::path& dir) {
  Case c;
  c.name = dir.filename().string();
  std::istringstream in(slurp(dir / "case.txt"));
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(": ");
    REQUIRE_MESSAGE(colon != std::string::npos, c.name << ": bad case.txt line: " << line);
    const std::string key = line.substr(0, colon), value = line.substr(colon + 2);
    if (key == "args") {
      std::istringstream words(value);
      for (std::string w; std::getline(words, w, ' ');) c.args.push_back(w);
    } else if (key == "exit") {
      c.exit = std::stoi(value);
    } else if (key == "error") {
      c.error = value;
    } else if (key == "sparse") {
      c.sparse = value;
    } else {
      FAIL(c.name << ": unknown key in case.txt: " << key);
    }
  }
  return c;
}

/// Every regular file under `dir` with its size and modification time.
std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> listing(const fs::path& dir) {
  std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const auto rel = fs::relative(e.path(), dir).string();
    out[rel] = {e.is_regular_file() ? e.file_size() : 0, e.last_write_time()};
  }
  return out;
}

struct Run {
  int code = -1;
  std::string out, err;
  double seconds = 0, cpu_seconds = 0;  // wall clock; user + system CPU of the child
  long max_rss_kib = 0;
};

/// Runs the CLI in `cwd` (fork/exec), measuring wall time and the child's peak RSS.
Run run_in(const fs::path& cwd, const std::vector<std::string>& args, const fs::path& scratch) {
  std::vector<char*> argv;
  std::string exe = FLEETSIM_CLI;
  argv.push_back(exe.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const fs::path out = scratch / "stdout", err = scratch / "stderr";
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(120);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0) ::_exit(121);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execv(argv[0], argv.data());
    ::_exit(122);
  }
  int status = 0;
  struct rusage ru {};
  ::wait4(pid, &status, 0, &ru);
  Run r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.max_rss_kib = ru.ru_maxrss;
  r.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::vector<fs::path> case_dirs() {
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(kCorpus))
    if (e.is_directory() && fs::exists(e.path() / "case.txt")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

} // namespace

TEST_CASE("bad-input corpus: at least 100 cases") {
  CHECK(case_dirs().size() >= 100);
}

TEST_CASE("bad-input corpus: each case is rejected with its exact message, exit 2, nothing written, cheaply") {
  const fs::path scratch = temp_dir("bad-inputs");
  fs::create_directories(scratch);
  std::ofstream report;
  if (const char* r = std::getenv("FLEETSIM_REJECT_REPORT")) report.open(r);
  double worst_s = 0;
  long worst_kib = 0;
  std::string worst_s_case, worst_kib_case;
  int n = 0;
  for (const auto& dir : case_dirs()) {
    const Case c = read_case(dir);
    CAPTURE(c.name);
    REQUIRE(c.exit >= 0);
    REQUIRE_FALSE(c.error.empty());
    const fs::path work = scratch / c.name;
    fs::copy(dir, work, fs::copy_options::recursive);
    fs::remove(work / "case.txt");
    if (!c.sparse.empty()) {  // "<file> <MiB>": a sparse file, too large to commit
      std::istringstream s(c.sparse);
      std::string file;
      std::uintmax_t mib = 0;
      s >> file >> mib;
      fs::create_directories((work / file).parent_path());
      std::ofstream(work / file).close();
      fs::resize_file(work / file, mib << 20);
    }
    const auto before = listing(work);
    const Run r = run_in(work, c.args, scratch);
    CHECK(r.code == c.exit);
    CHECK(r.err == "fleetsim: error: " + c.error + "\n");
    CHECK(r.out.empty());
    CHECK(listing(work) == before);  // no output file appeared, none changed
    if (!kSanitized) {  // CPU time: wall time also counts other processes on a loaded machine
      CHECK(r.cpu_seconds <= 1.0);
      CHECK(r.max_rss_kib <= 100 * 1024);
    }
    if (r.cpu_seconds > worst_s) worst_s = r.cpu_seconds, worst_s_case = c.name;
    if (r.max_rss_kib > worst_kib) worst_kib = r.max_rss_kib, worst_kib_case = c.name;
    if (report) report << c.name << '\t' << r.code << '\t' << r.seconds << '\t' << r.max_rss_kib << '\t' << r.cpu_seconds << '\n';
    fs::remove_all(work);
    ++n;
  }
  MESSAGE(n << " cases; most CPU " << worst_s << " s (" << worst_s_case << "), most memory " << worst_kib / 1024.0
            << " MiB (" << worst_kib_case << ")");
  fs::remove_all(scratch);
}
