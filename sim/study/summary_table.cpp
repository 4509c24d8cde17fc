#include "sim/study/summary_table.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

#include <unistd.h>

#include "sim/common/error.hpp"
#include "sim/io/input.hpp"
#include "sim/io/scenario.hpp"
#include "sim/io/scenario_spec.hpp"
#include "sim/study/process_pool.hpp"

namespace fleetsim::cli {

namespace fs = std::filesystem;

std::string read_file(const fs::path& file) { return input::read_text_file(file, input::kMaxJsonBytes); }

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data()))
    throw std::runtime_error("cannot create a temporary folder in " + fs::temp_directory_path().string());
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

}  // namespace

void check_summary(const nlohmann::ordered_json& j, const std::string& label) {
  using ojson = nlohmann::ordered_json;
  auto bad = [&](const std::string& ptr, const std::string& what, const ojson& v) {
    throw InputError(spec::located(label, ptr, "expected " + what + ", got " + spec::brief(v)));
  };
  if (!j.is_object()) bad("", "a summary.json object", j);
  if (!j.contains("metrics") || !j["metrics"].is_object())
    throw InputError(label + ": not a fleetsim summary.json (no \"metrics\" object)");
  for (const char* k : {"scenario", "mode", "topology"})
    if (j.contains(k) && !j[k].is_string()) bad(std::string("/") + k, "a string", j[k]);
  if (j.contains("seed") && !j["seed"].is_number()) bad("/seed", "a number", j["seed"]);
  if (j.contains("policy")) {
    if (!j["policy"].is_object()) bad("/policy", "an object", j["policy"]);
    for (const char* k : {"queue", "placement"})
      if (j["policy"].contains(k) && !j["policy"][k].is_string()) bad(std::string("/policy/") + k, "a string", j["policy"][k]);
  }
  if (j.contains("cluster")) {
    if (!j["cluster"].is_object()) bad("/cluster", "an object", j["cluster"]);
    for (const auto& [k, v] : j["cluster"].items())
      if (!v.is_number()) bad("/cluster/" + spec::pointer_token(k), "a number", v);
  }
  const ojson& m = j["metrics"];
  if (m.contains("fill_curve")) {
    const ojson& c = m["fill_curve"];
    if (!c.is_array()) bad("/metrics/fill_curve", "an array", c);
    for (std::size_t i = 0; i < c.size(); ++i) {
      const std::string at = "/metrics/fill_curve/" + std::to_string(i);
      if (!c[i].is_object()) bad(at, "an object", c[i]);
      for (const auto& [k, v] : c[i].items())
        if (!v.is_number()) bad(at + "/" + spec::pointer_token(k), "a number", v);
    }
  }
}

namespace {

nlohmann::ordered_json read_summary(const fs::path& file) {
  auto j = input::read_json_file(file);  // malformed JSON: located at line:column
  check_summary(j, input::shown(file));
  return j;
}

std::string safe_name(const std::string& s) {
  std::string t;
  for (char c : s) t += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return t;
}

}  // namespace

std::vector<LoadedRun> resolve_runs(const std::vector<std::string>& args, const ResolveOptions& opt) {
  std::vector<LoadedRun> runs(args.size());
  std::vector<ChildJob> jobs;
  std::vector<std::size_t> job_run;
  for (std::size_t i = 0; i < args.size(); ++i) {
    LoadedRun& r = runs[i];
    r.arg = args[i];
    const fs::path p = args[i];
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      if (!fs::exists(p / "summary.json")) throw InputError(args[i] + ": not an output folder (no summary.json in it)");
      r.dir = p;
    } else if (p.filename() == "summary.json") {
      r.dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    } else {
      const Scenario sc = load_scenario(p, opt.sets);  // validate everything before running anything
      r.ran = true;
      r.label = sc.name;
      r.dir = opt.work_dir / (std::to_string(i + 1) + "-" + safe_name(sc.name));
      fs::create_directories(r.dir);
      ChildJob job;
      job.args = {"run", p.string(), "-o", r.dir.string(), "--quiet", "--no-report"};
      for (const auto& s : opt.sets) job.args.insert(job.args.end(), {"--set", s});
      job.log = r.dir / "run.log";
      jobs.push_back(std::move(job));
      job_run.push_back(i);
    }
    if (r.label.empty()) r.label = fs::absolute(r.dir).lexically_normal().filename().string();
    if (r.label.empty()) r.label = r.dir.string();
  }
  if (!jobs.empty()) {
    PoolOptions po;
    po.jobs = opt.jobs;
    po.progress = opt.progress;
    const auto res = run_children(jobs, po);
    if (res.interrupted) throw InputError("interrupted");
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      const int code = res.exit_codes[k];
      if (code == 0) continue;
      const std::string tail = tail_of(jobs[k].log, 6);
      if (code < 0) continue;  // not started: an earlier run failed
      throw InputError("running " + args[job_run[k]] + " failed (exit " + std::to_string(code) + ")" +
                       (tail.empty() ? "" : ":\n" + tail));
    }
  }
  for (auto& r : runs) {
    r.summary = read_summary(r.dir / "summary.json");
    if (opt.read_timeseries && fs::exists(r.dir / "timeseries.csv"))
      r.timeseries_csv = read_file(r.dir / "timeseries.csv");
  }
  // Distinct labels: "x", "x (2)", ...
  std::map<std::string, int> count, seen;
  for (const auto& r : runs) ++count[r.label];
  for (auto& r : runs)
    if (count[r.label] > 1) {
      const int n = ++seen[r.label];
      if (n > 1) r.label += " (" + std::to_string(n) + ")";
    }
  return runs;
}

void print_aligned(std::ostream& os, const std::vector<std::vector<std::string>>& rows, int indent) {
  std::vector<std::size_t> width;
  auto len = [](const std::string& s) {  // display width: count UTF-8 lead bytes
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  };
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], len(r[c]));
    }
  for (const auto& r : rows) {
    std::string line(static_cast<std::size_t>(indent), ' ');
    for (std::size_t c = 0; c < r.size(); ++c) {
      const std::string pad(width[c] - len(r[c]), ' ');
      if (c == 0)
        line += r[c] + pad;
      else
        line += "  " + pad + r[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
  }
}

}  // namespace fleetsim::cli
