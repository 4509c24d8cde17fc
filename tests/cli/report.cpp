// report.html in a real browser: Debian's headless Chromium (installed when missing, as root)
// loads the reports of a run, a compare and a sweep from disk with networking off, the test
// checks their charts are in the DOM, and saves screenshots under the build folder
// (build/screenshots/report-*.png). Skipped (exit 77) only when Chromium cannot be installed.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>


#include "tests/cli_test.hpp"

namespace {

const std::string kSrc = FLEETSIM_SOURCE_DIR;


int sh(const std::string& cmd, const fs::path& out, const fs::path& err) {
  const int status = std::system((cmd + " >'" + out.string() + "' 2>'" + err.string() + "'").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

/// Headless Chromium with a fresh profile and no network activity of its own.
std::string chromium(const fs::path& work, const std::string& args) {
  static int n = 0;
  const fs::path profile = work / ("profile-" + std::to_string(++n));
  return "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync --disable-extensions "
         "--disable-dev-shm-usage "
         "--hide-scrollbars --user-data-dir='" +
         profile.string() + "' " + args;
}

/// Loads `html` in Chromium: returns the DOM, and saves a screenshot to `png`.
std::string render(const fs::path& work, const fs::path& html, const fs::path& png, int height) {
  const std::string url = "'file://" + fs::absolute(html).string() + "'";
  REQUIRE_MESSAGE(sh(chromium(work, "--dump-dom " + url), work / "dom.html", work / "chromium.err") == 0,
                  slurp(work / "chromium.err"));
  fs::remove(png);
  REQUIRE_MESSAGE(
      sh(chromium(work, "--window-size=1200," + std::to_string(height) + " --screenshot='" + png.string() + "' " + url),
         work / "shot.out", work / "chromium.err") == 0,
      slurp(work / "chromium.err"));
  // A PNG of the window's size with something drawn on it.
  const std::string img = slurp(png);
  REQUIRE(img.size() > 30000);
  CHECK(img.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  auto be32 = [&](std::size_t at) {
    return (unsigned(static_cast<unsigned char>(img[at])) << 24) |
           (unsigned(static_cast<unsigned char>(img[at + 1])) << 16) |
           (unsigned(static_cast<unsigned char>(img[at + 2])) << 8) | unsigned(static_cast<unsigned char>(img[at + 3]));
  };
  CHECK(be32(16) == 1200);
  CHECK(be32(20) == static_cast<unsigned>(height));
  return slurp(work / "dom.html");
}

/// Self-contained: nothing that would load from elsewhere.
void check_self_contained(const std::string& html) {
  for (const char* s : {"http://", "https://", "<script", "<link", "src=", "@import", "url("}) {
    CAPTURE(s);
    CHECK(html.find(s) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("report.html of a run, a compare and a sweep: charts in Chromium's DOM, screenshots saved") {
  const fs::path work = fs::temp_directory_path() / ("fleetsim-report-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  struct Cleanup {  // browser profiles are large; the screenshots stay in the build folder
    fs::path dir;
    ~Cleanup() { fs::remove_all(dir); }
  } cleanup{work};
  const fs::path shots = fs::path(FLEETSIM_CLI).parent_path() / "screenshots";
  fs::create_directories(shots);
  const int code = sh("'" + kSrc + "/tools/ensure-packages.sh' chromium", work / "ensure.out", work / "ensure.err");
  if (code == 77) {
    std::fprintf(stderr, "SKIPPED: %s\n", slurp(work / "ensure.err").c_str());
    std::exit(77);
  }
  REQUIRE_MESSAGE(code == 0, slurp(work / "ensure.err"));
  const std::string cli = "cd '" + kSrc + "' && '" + FLEETSIM_CLI + "' ";

  SUBCASE("a replay run: allocated GPUs, fragmentation and queue over time") {
    REQUIRE(sh(cli + "run scenarios/quickstart.json -q -o '" + (work / "run").string() + "'", work / "o", work / "e") ==
            0);
    const std::string html = slurp(work / "run/report.html");
    check_self_contained(html);
    const std::string dom = render(work, work / "run/report.html", shots / "report-run.png", 2200);
    for (const char* id : {"metrics-table", "chart-gpu-alloc", "chart-frag", "chart-queue"}) {
      CAPTURE(id);
      CHECK(dom.find(std::string("id=\"") + id + "\"") != std::string::npos);
    }
    // Charts follow the timeseries' columns: busy GPUs and stranded GPUs when it has them.
    const std::string series = slurp(work / "run/timeseries.csv");
    const std::string header = series.substr(0, series.find('\n') + 1);
    const bool busy = header.find(",gpu_busy_milli,") != std::string::npos;
    const bool stranded = header.find(",stranded_gpus") != std::string::npos;
    CHECK(count(dom, "<svg") == 3 + stranded);
    CHECK((dom.find("id=\"chart-stranded\"") != std::string::npos) == stranded);
    CHECK((dom.find("<title>busy</title>") != std::string::npos) == busy);
    CHECK(count(dom, "class=\"series\"") == 3 + stranded + busy);
    CHECK(dom.find("capacity 56 GPUs") != std::string::npos);
    CHECK(dom.find("simulated time (days)") != std::string::npos);
    CHECK(std::regex_search(dom, std::regex("<td>gpu_alloc_ratio</td><td>25\\.6[0-9]%</td>")));
  }

  SUBCASE("a compare of two fill runs: the fill curve and fragmentation per run") {
    REQUIRE(
        sh(cli +
               "compare scenarios/alibaba-v2023/fill-fgd.json scenarios/alibaba-v2023/fill-random.json -q --report '" +
               (work / "compare.html").string() + "'",
           work / "o", work / "e") == 0);
    check_self_contained(slurp(work / "compare.html"));
    const std::string dom = render(work, work / "compare.html", shots / "report-compare.png", 1600);
    CHECK(dom.find("id=\"chart-fill-curve\"") != std::string::npos);
    CHECK(dom.find("id=\"chart-fill-frag\"") != std::string::npos);
    CHECK(count(dom, "<path class=\"series\"") == 5);  // 2 runs x 2 charts, and the diagonal
    CHECK(dom.find("class=\"best\"") != std::string::npos);
  }

  SUBCASE("a sweep: per-policy bars with 95% confidence intervals and mean fill curves") {
    std::ofstream(work / "g.sweep.json") << R"({"name": "fgd-3", "scenario": ")" << kSrc
                                         << R"(/scenarios/alibaba-v2023/fill-fgd.json",
        "grid": {"policy.placement": ["random", "dot-product", "gpu-clustering", "gpu-packing", "best-fit", "fgd"],
                 "seed": [42, 43, 44]},
        "metrics": ["fill.gpu_alloc_pct", "fill.frag_gpus", "fill.failed_pods"]})";
    REQUIRE(sh(cli + "sweep '" + (work / "g.sweep.json").string() + "' -q -o '" + (work / "sweep").string() + "'",
               work / "o", work / "e") == 0);
    check_self_contained(slurp(work / "sweep/report.html"));
    const std::string dom = render(work, work / "sweep/report.html", shots / "report-sweep.png", 2600);
    for (const char* id : {"chart-bars-fill-gpu-alloc-pct", "chart-bars-fill-frag-gpus", "chart-bars-fill-failed-pods",
                           "chart-fill-curve", "chart-fill-frag"}) {
      CAPTURE(id);
      CHECK(dom.find(std::string("id=\"") + id + "\"") != std::string::npos);
    }
    CHECK(count(dom, "<g class=\"bar\">") == 18);  // 6 policies x 3 metrics
    CHECK(count(dom, "<rect") == 18);
    CHECK(std::regex_search(dom, std::regex("<title>fgd: 95\\.[0-9]+ \u00b1 [0-9.]+</title>")));
  }
}
