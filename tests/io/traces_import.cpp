// Public-trace importers (issue 16): each format on a fixture in its publisher's exact layout
// and quirks, the shipped files imported whole against their published counts, load shaping,
// located errors and wrong-format hints.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/common/error.hpp"
#include "sim/io/traces/import.hpp"

using namespace fleetsim;
using namespace fleetsim::traces;
namespace fs = std::filesystem;

namespace {

const std::string kData = FLEETSIM_SOURCE_DIR "/scenarios/data";
const std::string kFix = FLEETSIM_SOURCE_DIR "/scenarios/data/fixtures";

struct Imported {
  ImportStats stats;
  std::vector<TraceJob> jobs;
  const TraceJob& job(const std::string& id) const {
    for (const auto& j : jobs)
      if (j.job.id == id) return j;
    FAIL("no job " << id);
    throw std::runtime_error("unreachable");
  }
  bool has(const std::string& id) const {
    for (const auto& j : jobs)
      if (j.job.id == id) return true;
    return false;
  }
};

Imported run(const std::string& format, const std::vector<fs::path>& files, const ImportOptions& opt = {}) {
  Imported r;
  r.stats = import_trace(format, files, opt, [&](const TraceJob& t) { r.jobs.push_back(t); });
  return r;
}

fs::path temp_file(const std::string& name, const std::string& text) {
  const auto dir = fs::temp_directory_path() / "fleetsim-unit-traces";
  fs::create_directories(dir);
  const auto file = dir / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string first_line(const fs::path& p) {
  const std::string s = slurp(p);
  return s.substr(0, s.find('\n') + 1);
}

std::string crlf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\r\n";
    else out.push_back(c);
  }
  if (out.size() >= 2) out.resize(out.size() - 2);  // and no newline after the last row
  return out;
}

/// The message of the InputError an import throws, from the file name on.
std::string error_of(const std::string& format, const fs::path& file, const ImportOptions& opt = {}) {
  try {
    (void)run(format, {file}, opt);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    const auto at = msg.find(file.filename().string());
    return at == std::string::npos ? msg : msg.substr(at);
  }
  return "(valid)";
}

std::int64_t skipped(const ImportStats& s, const std::string& why) {
  auto it = s.skipped.find(why);
  return it == s.skipped.end() ? 0 : it->second;
}

std::int64_t all_skipped(const ImportStats& s) {
  std::int64_t n = 0;
  for (const auto& [w, k] : s.skipped) n += k;
  return n;
}

const std::string kHeliosHeader =
    "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n";

} // namespace

// ---- Helios ----------------------------------------------------------------------------------

TEST_CASE("helios: the fixture's jobs, gangs, CPU jobs and skipped rows") {
  const auto r = run("helios", {kFix + "/helios/cluster_log.csv"});
  CHECK(r.stats.rows == 12);
  CHECK(r.stats.jobs == 10);
  CHECK(r.stats.gpu_jobs == 9);
  CHECK(r.stats.gpu_hours == doctest::Approx(1969517.0 / 3600));
  CHECK(skipped(r.stats, "cancelled before start") == 1);
  CHECK(skipped(r.stats, "never started (no start_time)") == 1);
  CHECK(r.stats.rows == r.stats.jobs + all_skipped(r.stats));
  // Time 0 is midnight of the first job's day; text times read exactly.
  CHECK(r.stats.origin.rfind("2020-06-09 00:00:00", 0) == 0);
  const auto& first = r.job("1425511");
  CHECK(first.job.submit_s == 18 * 3600 + 41 * 60 + 1);
  CHECK(first.job.duration_s == 36848);
  CHECK(first.vc == "vcJkd");
  CHECK(first.job.req.num_gpu == 1);
  CHECK(first.job.req.gpu_milli == 1000);
  CHECK(first.job.req.cpu_milli == 1000);
  CHECK(first.job.kind == JobKind::training);
  // 16 GPUs on 2 nodes: a gang of two 8-GPU allocations with half the CPUs each.
  const auto& gang = r.job("1425515");
  CHECK(gang.num_nodes == 2);
  CHECK(gang.job.req.num_gpu == 8);
  CHECK(gang.job.req.cpu_milli == 32000);
  CHECK(r.job("1425521").num_nodes == 16);
  // A CPU job is preprocessing; a cancelled job that ran is kept with its run.
  CHECK(r.job("1425516").job.kind == JobKind::preprocessing);
  CHECK(r.job("1425516").job.req.num_gpu == 0);
  CHECK(r.job("1425513").job.duration_s == 675233);
  CHECK_FALSE(r.has("1425514"));
  CHECK_FALSE(r.has("1425520"));
}

TEST_CASE("helios: CRLF line ends and no final newline read the same") {
  const auto plain = run("helios", {kFix + "/helios/cluster_log.csv"});
  const auto file = temp_file("helios-crlf.csv", crlf(slurp(kFix + "/helios/cluster_log.csv")));
  const auto r = run("helios", {file});
  CHECK(r.stats.jobs == plain.stats.jobs);
  CHECK(r.stats.gpu_hours == plain.stats.gpu_hours);
  CHECK(r.job("1425522").job.duration_s == 40);
}

TEST_CASE("helios: None, nan and empty fields are missing values") {
  const auto file = temp_file("helios-none.csv", kHeliosHeader +
                                                     "1,u,vcA,2,nan,None,COMPLETED,2020-04-01 10:00:00,2020-04-01 10:00:00,2020-04-01 11:00:00,,\n"
                                                     "2,u,vcA,1,1,1,FAILED,2020-04-01 10:00:00,None,None,None,None\n");
  const auto r = run("helios", {file});
  CHECK(r.stats.jobs == 1);
  CHECK(r.job("1").job.duration_s == 3600);  // end - start when duration is empty
  CHECK(r.job("1").job.req.cpu_milli == 0);
  CHECK(r.job("1").num_nodes == 1);
  CHECK(skipped(r.stats, "never started (no start_time)") == 1);
}

TEST_CASE("helios: load shaping by vc, window, sample and time scale") {
  const std::string f = kFix + "/helios/cluster_log.csv";
  ImportOptions vc;
  vc.vc = "vcJkd";
  const auto a = run("helios", {f}, vc);
  CHECK(a.stats.jobs == 5);
  CHECK(skipped(a.stats, "other virtual cluster") == 5);
  for (const auto& j : a.jobs) CHECK(j.vc == "vcJkd");

  // The window [18:00, 24:00) of the first day; submit times then count from its start.
  ImportOptions w;
  w.window_start = 18 * 3600.0;
  w.window_end = 24 * 3600.0;
  const auto b = run("helios", {f}, w);
  CHECK(b.stats.jobs == 7);
  CHECK(b.job("1425511").job.submit_s == 41 * 60 + 1);
  CHECK(skipped(b.stats, "after the window") == 3);

  ImportOptions s;
  s.time_scale = 0.5;
  const auto c = run("helios", {f}, s);
  CHECK(c.job("1425511").job.submit_s == (18 * 3600 + 41 * 60 + 1) * 0.5);
  CHECK(c.job("1425511").job.duration_s == 36848);  // durations are kept

  // Sampling is a deterministic hash of (seed, id): the same seed keeps the same jobs, and
  // the kept and dropped jobs add up.
  ImportOptions p;
  p.sample = 0.5;
  p.seed = 7;
  const auto d1 = run("helios", {f}, p), d2 = run("helios", {f}, p);
  CHECK(d1.stats.jobs == d2.stats.jobs);
  CHECK(d1.stats.jobs + skipped(d1.stats, "not sampled") == 10);
  CHECK(d1.stats.jobs > 0);
  CHECK(d1.stats.jobs < 10);
  p.seed = 8;
  std::set<std::string> ids7, ids8;
  for (const auto& j : d1.jobs) ids7.insert(j.job.id);
  for (const auto& j : run("helios", {f}, p).jobs) ids8.insert(j.job.id);
  CHECK(ids7 != ids8);
}

TEST_CASE("helios: located errors and the wrong-format hint") {
  CHECK(error_of("helios", temp_file("h1.csv", kHeliosHeader + "1,u,vcA,two,1,1,COMPLETED,2020-04-01 10:00:00,"
                                                               "2020-04-01 10:00:00,2020-04-01 11:00:00,3600,0\n")) ==
        "h1.csv:2: column gpu_num: expected a GPU count (integer >= 0), got \"two\"");
  CHECK(error_of("helios", temp_file("h2.csv", kHeliosHeader + "1,u,vcA,1,1,1,COMPLETED,2020/04/01 10:00,"
                                                               "2020-04-01 10:00:00,2020-04-01 11:00:00,3600,0\n")) ==
        "h2.csv:2: column submit_time: expected a time \"YYYY-MM-DD HH:MM:SS\" (optionally with a zone such as "
        "+08:00), or nothing, got \"2020/04/01 10:00\"");
  CHECK(error_of("helios", temp_file("h3.csv", kHeliosHeader + "1,u,vcA,1,1\n")) ==
        "h3.csv:2: expected 12 fields, got 5 (truncated row?)");
  // An Acme file given as helios, and a Helios file given as acme or as a native trace.
  CHECK(error_of("helios", kFix + "/acme/trace_seren.csv").find(
            "this looks like an Acme trace_seren.csv or trace_kalos.csv; use format acme") != std::string::npos);
  CHECK(error_of("acme", kFix + "/helios/cluster_log.csv").find(
            "this looks like a Helios cluster_log.csv; use format helios") != std::string::npos);
  CHECK(sniff(kFix + "/helios/cluster_log.csv", "csv") ==
        "this looks like a Helios cluster_log.csv; use format helios");
  CHECK(sniff(kFix + "/helios/cluster_log.csv", "helios") == "");
}

TEST_CASE("import options a format cannot honour are errors") {
  ImportOptions vc;
  vc.vc = "x";
  CHECK_THROWS_WITH_AS(run("acme", {kFix + "/acme/trace_seren.csv"}, vc),
                       "format acme has no virtual clusters, so --vc (workload.vc) cannot select one", InputError);
  CHECK_THROWS_WITH_AS(run("helio", {kFix + "/helios/cluster_log.csv"}), "unknown trace format \"helio\"; did you mean \"helios\"?",
                       InputError);
}

TEST_CASE("helios: cluster_gpu_number.csv sizes the cluster by VC (its last day; 8 GPUs, 96 cores a node)") {
  GpuModels models;
  const auto c = read_cluster("helios", kData + "/helios/Venus/cluster_gpu_number.csv", models);
  // 2020-09-28: 1,080 GPUs in 16 non-empty VCs, all multiples of 8.
  CHECK(c.num_gpus() == 1080);
  CHECK(c.num_nodes() == 135);
  CHECK(c.node(0).name == "vcEwI-0");
  CHECK(c.node(0).cpu_milli == 96000);
  int wor = 0, jkd = 0;
  for (const auto& n : c.nodes()) {
    wor += n.name.rfind("vcWoR-", 0) == 0;
    jkd += n.name.rfind("vcJkd-", 0) == 0;
  }
  CHECK(wor == 5);  // vcWoR has 40 GPUs that day
  CHECK(jkd == 0);  // vcJkd none
  const auto bad = temp_file("gpu_number.csv", "date,vcA,total\n2020-04-01,8,8\n2020-04-02,x,8\n");
  GpuModels m2;
  CHECK_THROWS_WITH_AS(read_cluster("helios", bad, m2),
                       (bad.string() + ":3: column vcA: expected a GPU count, got \"x\"").c_str(), InputError);
  // VC sizes are not jobs.
  CHECK(error_of("helios", kData + "/helios/Venus/cluster_gpu_number.csv").find(
            "this looks like a Helios cluster_gpu_number.csv (VC sizes); use it as cluster.node_list with cluster.format "
            "helios") != std::string::npos);
}

// ---- Philly ------------------------------------------------------------------------------------

TEST_CASE("philly: every attempt is a job; retries queue when the previous attempt ends") {
  const auto r = run("philly", {kFix + "/philly/cluster_job_log"});
  CHECK(r.stats.rows == 5);
  CHECK(r.stats.jobs == 5);
  CHECK(r.stats.gpu_jobs == 5);
  CHECK(r.stats.gpu_hours == doctest::Approx(492.344444).epsilon(1e-6));
  CHECK(skipped(r.stats, "job without attempts (Killed before it started)") == 1);
  CHECK(skipped(r.stats, "attempt without start_time") == 1);
  const auto& a0 = r.job("application_1506638472019_14199/0");
  const auto& a1 = r.job("application_1506638472019_14199/1");
  // Time 0 is 2017-08-07 00:00 (the README's first submission day); 01:11:39 on 2017-10-07.
  CHECK(a0.job.submit_s == 61 * 86400 + 4299);
  CHECK(a0.job.duration_s == 74);
  CHECK(a0.job.req.num_gpu == 8);
  CHECK(a0.vc == "ee9e8c");
  CHECK(a1.job.submit_s == 61 * 86400 + 4299 + 104);  // when attempt 0 ended (01:13:23)
  CHECK(a1.job.duration_s == 193182);
  // Two servers of 4 GPUs: a gang.
  const auto& g = r.job("application_1506638472019_14201/0");
  CHECK(g.num_nodes == 2);
  CHECK(g.job.req.num_gpu == 4);
  // Still running at the snapshot: until the log's latest time (2017-10-09 06:53:12).
  CHECK(r.job("application_1506638472019_14202/0").job.duration_s == 183192);
  CHECK(r.stats.notes.at("last attempt without end_time: runs until the log's latest time") == 1);
  // Uneven servers (2 + 1 GPUs): each allocation gets the largest, noted.
  CHECK(r.job("application_1506638472019_14203/0").job.req.num_gpu == 2);
  CHECK(r.stats.notes.at("uneven GPUs per server: each allocation given the largest") == 1);
}

TEST_CASE("philly: JSON errors name the line and the JSON path") {
  const auto f1 = temp_file("p1.json", "[\n  {\"jobid\": \"a\", \"status\": \"Pass\", \"vc\": \"v\",\n"
                                       "   \"submitted_time\": \"2017-10-07 01:11:39\",\n"
                                       "   \"attempts\": [{\"start_time\": \"yesterday\", \"end_time\": null, \"detail\": []}]}\n]\n");
  CHECK(error_of("philly", f1) ==
        "p1.json:2: /0/attempts/0/start_time: expected a time \"YYYY-MM-DD HH:MM:SS\" or null, got \"yesterday\"");
  const auto f2 = temp_file("p2.json", "[\n {\"jobid\": \"a\", \"attempts\": []},\n {\"jobid\": \"b\" \"attempts\": []}\n]\n");
  CHECK(error_of("philly", f2).rfind("p2.json:3:", 0) == 0);
  const auto f3 = temp_file("p3.json", "[\n {\"jobid\": \"a\", \"attempts\": []},\n {\"vc\": \"b\", \"attempts\": []}\n]\n");
  CHECK(error_of("philly", f3) == "p3.json:3: /1/jobid: required key is missing");
  const auto f4 = temp_file("p4.json", "[\n {\"jobid\": \"a\", \"attempts\": []}\n");
  CHECK(error_of("philly", f4) == "p4.json:3: unexpected end of file; the array is not closed");
  CHECK(error_of("philly", kFix + "/helios/cluster_log.csv").find("use format helios") != std::string::npos);
}

TEST_CASE("philly: the machine list (header, CRLF, spaces before the memory) as a cluster") {
  GpuModels models;
  const auto c = read_cluster("philly", kFix + "/philly/cluster_machine_list", models);
  CHECK(c.num_nodes() == 9);
  CHECK(c.num_gpus() == 7 * 8 + 2 * 2);
  CHECK(models.find("GPU-24GB").has_value());
  CHECK(models.find("GPU-12GB").has_value());
  CHECK(c.node(0).name == "m10");
}

// ---- PAI 2020 ----------------------------------------------------------------------------------

TEST_CASE("pai-2020: tasks as jobs, submitted when their job was, plan_gpu in percent") {
  // Files in any order: told apart by their width.
  const auto r = run("pai-2020", {kFix + "/pai-2020/pai_task_table.csv", kFix + "/pai-2020/pai_job_table.csv"});
  CHECK(r.stats.rows == 7);
  CHECK(r.stats.jobs == 6);
  CHECK(r.stats.gpu_jobs == 5);
  CHECK(skipped(r.stats, "task never started (Waiting)") == 1);
  CHECK(r.stats.gpu_hours == doctest::Approx((0.5 * 38 + 2 * 516 + 4 * 3 * 5800 + 8 * 2810316.0 + 0.25 * 100) / 3600));
  const auto& tf = r.job("4f057009a5d481acec67b088/tensorflow");
  CHECK(tf.job.submit_s == 1739100 - 1728000);  // the job's submission; origin = day 20 of the clock
  CHECK(tf.job.duration_s == 38);
  CHECK(tf.job.req.num_gpu == 1);
  CHECK(tf.job.req.gpu_milli == 500);
  CHECK(tf.job.req.cpu_milli == 6000);
  CHECK(tf.job.req.memory_mib == 30000);
  CHECK(tf.models == "MISC");
  const auto& w = r.job("4b3f04b66a525d2df903eb16/worker");
  CHECK(w.num_nodes == 2);
  CHECK(w.job.req.gpu_milli == 1000);
  CHECK(r.job("4b3f04b66a525d2df903eb16/ps").job.req.num_gpu == 0);
  CHECK(r.job("af724763f4f5d0beef445849/worker").job.req.num_gpu == 3);  // 250 percent, rounded up
  CHECK(r.stats.notes.count("plan_gpu above 100 and not a multiple of 100: rounded up to whole GPUs") == 1);
  CHECK(r.job("ffffffff0000000000000000/evaluator").job.req.gpu_milli == 250);
  CHECK(r.job("ffffffff0000000000000000/evaluator").models == "");
  CHECK(r.job("c0ffee00000000000000bbbb/PyTorchWorker").job.duration_s == 4551416 - 1741100);
  // Without the job table, a task is submitted at its launch, on the clock's own 0.
  const auto t = run("pai-2020", {kFix + "/pai-2020/pai_task_table.csv"});
  CHECK(t.job("4f057009a5d481acec67b088/tensorflow").job.submit_s == 1739162);
  // Time 0 comes from the whole job table, not the first task: a task table whose first row
  // is the latest job still keeps the earlier ones.
  const auto reordered = temp_file("pai_task_reordered.csv", "4b3f04b66a525d2df903eb16,worker,2.0,Terminated,4550900.0,"
                                                             "4551416.0,400.0,20.0,100.0,V100\n" +
                                                                 first_line(kFix + "/pai-2020/pai_task_table.csv"));
  const auto o = run("pai-2020", {reordered, kFix + "/pai-2020/pai_job_table.csv"});
  CHECK(o.stats.jobs == 2);
  CHECK(skipped(o.stats, "submitted before the trace origin") == 0);
  CHECK(o.job("4f057009a5d481acec67b088/tensorflow").job.submit_s == 1739100 - 1728000);
}

TEST_CASE("pai-2020: errors and the instance table") {
  const auto bad = temp_file("pai_task_bad.csv", "j,t,1.0,Terminated,10.0,20.0,600.0,1.0,fifty,T4\n");
  CHECK(error_of("pai-2020", bad) == "pai_task_bad.csv:1: column plan_gpu: expected percent of a GPU (0 to 6400), got \"fifty\"");
  const auto inst = temp_file("pai_instance_table.csv", "j,t,i,w,id,Terminated,1.0,2.0,m\n");
  CHECK(error_of("pai-2020", inst).find("this is a pai_instance_table.csv, which the import does not need") !=
        std::string::npos);
  CHECK(error_of("pai-2020", kFix + "/helios/cluster_log.csv").find("use format helios") != std::string::npos);
}

TEST_CASE("pai-2020: pai_machine_spec.csv is the published 1,897 machines and 6,742 GPUs") {
  GpuModels models;
  const auto c = read_cluster("pai-2020", kData + "/alibaba-pai-gpu-v2020/pai_machine_spec.csv", models);
  CHECK(c.num_nodes() == 1897);
  CHECK(c.num_gpus() == 6742);
  std::map<std::string, std::pair<int, int>> by;  // model -> machines, GPUs
  for (const auto& n : c.nodes()) {
    const std::string m = n.gpu_count ? models.name(n.gpu_model) : "CPU";
    ++by[m].first;
    by[m].second += n.gpu_count;
  }
  CHECK(by["MISC"] == std::pair{280, 2240});
  CHECK(by["P100"] == std::pair{798, 1596});
  CHECK(by["V100M32"] == std::pair{135, 1080});
  CHECK(by["T4"] == std::pair{497, 994});
  CHECK(by["V100"] == std::pair{104, 832});
  CHECK(by["CPU"] == std::pair{83, 0});
}

// ---- Acme --------------------------------------------------------------------------------------

TEST_CASE("acme: Seren and Kalos logs, time zones applied, ids tagged by log") {
  const auto r = run("acme", {kFix + "/acme/trace_seren.csv", kFix + "/acme/trace_kalos.csv"});
  CHECK(r.stats.rows == 8);
  CHECK(r.stats.jobs == 7);
  CHECK(r.stats.gpu_jobs == 6);
  CHECK(skipped(r.stats, "never started (no start_time)") == 1);
  // 00:18:22+08:00 is 16:18:22 UTC the day before: time 0 is 2023-02-28 00:00:00 UTC.
  CHECK(r.stats.origin.rfind("2023-02-28 00:00:00", 0) == 0);
  CHECK(r.job("trace_seren/5778432").job.submit_s == 16 * 3600 + 18 * 60 + 22);
  CHECK(r.job("trace_seren/5778470").num_nodes == 4);
  CHECK(r.job("trace_seren/5778470").job.req.num_gpu == 8);
  CHECK(r.job("trace_seren/5778470").job.req.cpu_milli == 128000);
  // Kalos: +00:00 times, memory per pod.
  const auto& k = r.job("trace_kalos/dlc9x00000000001");
  CHECK(k.job.submit_s == *parse_datetime("2023-05-17 12:00:00") - *parse_datetime("2023-02-28 00:00:00"));
  CHECK(k.job.req.memory_mib == 500 * 1024);
  CHECK(r.job("trace_kalos/dlc1t2ypl09b8qtp").job.duration_s == 82);  // cancelled after it ran: kept
  // One log alone keeps the publisher's ids; two clusters' logs with the same ids stay apart.
  CHECK(run("acme", {kFix + "/acme/trace_seren.csv"}).has("5778432"));
  const auto dir = fs::temp_directory_path() / "fleetsim-unit-traces";
  fs::create_directories(dir / "Venus");
  fs::create_directories(dir / "Earth");
  fs::copy_file(kFix + "/helios/cluster_log.csv", dir / "Venus/cluster_log.csv", fs::copy_options::overwrite_existing);
  fs::copy_file(kFix + "/helios/cluster_log.csv", dir / "Earth/cluster_log.csv", fs::copy_options::overwrite_existing);
  const auto two = run("helios", {dir / "Venus/cluster_log.csv", dir / "Earth/cluster_log.csv"});
  CHECK(two.stats.jobs == 20);
  CHECK(two.has("Venus/1425511"));
  CHECK(two.has("Earth/1425511"));
}

// ---- SWF ---------------------------------------------------------------------------------------

TEST_CASE("swf: header comments, -1 fields, cancelled jobs, queue as VC") {
  const auto r = run("swf", {kFix + "/swf/sample.swf"});
  CHECK(r.stats.rows == 6);
  CHECK(r.stats.jobs == 4);
  CHECK(r.stats.gpu_jobs == 0);
  CHECK(skipped(r.stats, "cancelled before start") == 1);
  CHECK(skipped(r.stats, "no run time") == 1);
  CHECK(r.job("1").job.req.cpu_milli == 8000);
  CHECK(r.job("1").job.req.memory_mib == 8192);  // 1 GiB per processor x 8
  CHECK(r.job("4").job.req.cpu_milli == 32000);  // allocated unknown: requested
  CHECK(r.job("6").job.submit_s == 4000);
  ImportOptions q;
  q.vc = "2";
  CHECK(run("swf", {kFix + "/swf/sample.swf"}, q).stats.jobs == 1);
  const auto bad = temp_file("bad.swf", "; c\n1 0 10 3600 8 -1 -1 8 7200 -1 1 1 1 -1 1 -1 -1\n");
  CHECK(error_of("swf", bad) == "bad.swf:2: 17 fields; a Standard Workload Format line has exactly 18");
  const auto bad2 = temp_file("bad2.swf", "1 0 10 x 8 -1 -1 8 7200 -1 1 1 1 -1 1 -1 -1 -1\n");
  CHECK(error_of("swf", bad2) == "bad2.swf:1:8: field 4 (run time): expected a number, got \"x\"");
  CHECK(error_of("swf", kFix + "/helios/cluster_log.csv").find("use format helios") != std::string::npos);
}

// ---- Alibaba 2025 DLRM -------------------------------------------------------------------------

TEST_CASE("alibaba-2025-dlrm: the whole published trace, by role and service") {
  const auto r = run("alibaba-2025-dlrm", {kData + "/alibaba-gpu-v2025-dlrm/disaggregated_DLRM_trace.csv"});
  CHECK(r.stats.rows == 23871);
  CHECK(r.stats.jobs == 23871);
  CHECK(r.stats.gpu_jobs == 7386);  // HN instances, one GPU each
  CHECK(r.stats.gpu_hours == doctest::Approx(2375875.4767).epsilon(1e-8));
  std::set<std::string> apps;
  std::int64_t cn = 0, hn = 0;
  for (const auto& j : r.jobs) {
    apps.insert(j.vc);
    (j.job.req.num_gpu ? hn : cn) += 1;
    CHECK(j.job.kind == JobKind::inference);
  }
  CHECK(apps.size() == 156);
  CHECK(cn == 16485);
  CHECK(hn == 7386);
  // As the publisher's README says: empty creation = existed before the start (7280 rows),
  // empty deletion = alive at the end (8878 rows).
  CHECK(r.stats.notes.at("created before the trace start: submitted at 0") == 7280);
  CHECK(r.stats.notes.at("deleted after the trace end: runs until the latest time in the file") == 8878);
  const auto& first = r.job("instance_0");
  CHECK(first.job.submit_s == 0);
  CHECK(first.job.duration_s == 2677541);
  CHECK(first.job.req.cpu_milli == 12000);
  CHECK(first.job.req.memory_mib == 120 * 1024);
  ImportOptions app;
  app.vc = "app_0";
  CHECK(run("alibaba-2025-dlrm", {kData + "/alibaba-gpu-v2025-dlrm/disaggregated_DLRM_trace.csv"}, app).stats.jobs == 2551);
}

TEST_CASE("alibaba-2025-dlrm: located errors") {
  const std::string h = "instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,rdma_limit,"
                        "memory_request,memory_limit,disk_request,disk_limit,max_instance_per_node,creation_time,"
                        "scheduled_time,deletion_time\n";
  CHECK(error_of("alibaba-2025-dlrm", temp_file("d1.csv", h + "i0,GN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,\n")) ==
        "d1.csv:2: column role: expected CN (CPU node) or HN (GPU node), got \"GN\"");
  CHECK(error_of("alibaba-2025-dlrm", temp_file("d2.csv", h + "i0,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,10.0,20.0,15.0\n")) ==
        "d2.csv:2: column deletion_time: expected a time at or after scheduled_time, got \"15.0\"");
  CHECK(error_of("alibaba-2025-dlrm", temp_file("d3.csv", h + "i0,HN,app_0,12,12,1,1,250,25,120.0,120.0,640.0,800.0,8,,,\n")) ==
        "d3.csv:2: column rdma_request: expected percent of an RDMA NIC (0 to 100), got \"250\"");
}

// ---- Alibaba 2026 spot -------------------------------------------------------------------------

TEST_CASE("alibaba-2026-spot: node_info_df.csv is the published 4,278 nodes and 10,412 GPUs") {
  GpuModels models;
  const auto c = read_cluster("alibaba-2026-spot", kData + "/alibaba-spot-gpu-v2026/node_info_df.csv", models);
  CHECK(c.num_nodes() == 4278);
  CHECK(c.num_gpus() == 10412);
  std::map<std::string, int> gpus;
  for (const auto& n : c.nodes()) gpus[models.name(n.gpu_model)] += n.gpu_count;
  CHECK(gpus["A100-SXM4-80GB"] == 3456);
  CHECK(gpus["A10"] == 2494);
  CHECK(gpus["H800"] == 1752);
  CHECK(gpus["GPU-series-1"] == 1558);
  CHECK(gpus["GPU-series-2"] == 976);
  CHECK(gpus["A800-SXM4-80GB"] == 176);
  CHECK(gpus.size() == 6);
}

TEST_CASE("alibaba-2026-spot: HP and spot jobs, workers as gangs, organization as VC") {
  const auto r = run("alibaba-2026-spot", {kFix + "/alibaba-2026-spot/job_info_df.csv"});
  CHECK(r.stats.rows == 6);
  CHECK(r.stats.jobs == 6);
  CHECK(r.job("239255").job.priority == 1);
  CHECK(r.job("437261").job.priority == 0);
  CHECK(r.job("437261").num_nodes == 94);
  CHECK(r.job("437261").models == "A100-SXM4-80GB");
  CHECK(r.job("437261").job.req.cpu_milli == 15000);
  CHECK(r.stats.notes.at("spot job imported as priority 0, not preemptible (preemption is another issue)") == 3);
  CHECK(r.stats.gpu_hours ==
        doctest::Approx((2764799.0 + 15897599 + 16 * 41060 + 94 * 71718 + 16 * 3600 + 8 * 7200) / 3600));
  ImportOptions org;
  org.vc = "57";
  CHECK(run("alibaba-2026-spot", {kFix + "/alibaba-2026-spot/job_info_df.csv"}, org).stats.jobs == 2);
  // The node list is not a job list.
  CHECK(error_of("alibaba-2026-spot", kData + "/alibaba-spot-gpu-v2026/node_info_df.csv").find(
            "this looks like an Alibaba 2026 spot node_info_df.csv (a node list); use it as cluster.node_list with "
            "cluster.format alibaba-2026-spot") != std::string::npos);
}

// ---- Shared ------------------------------------------------------------------------------------

TEST_CASE("date-time texts: zones, fractions, and what is not a time") {
  CHECK(parse_datetime("1970-01-01 00:00:00") == 0.0);
  CHECK(parse_datetime("2020-06-09 18:41:01") == 1591728061.0);
  CHECK(parse_datetime("2023-03-01 00:18:22+08:00") == parse_datetime("2023-02-28 16:18:22"));
  CHECK(parse_datetime("2017-10-03 00:08:00 PDT") == parse_datetime("2017-10-03 07:08:00"));
  CHECK(parse_datetime("2023-11-16 18:15:46.5") == *parse_datetime("2023-11-16 18:15:46") + 0.5);
  CHECK_FALSE(parse_datetime("2020-13-01 00:00:00"));
  CHECK_FALSE(parse_datetime("2020-06-09"));
  CHECK_FALSE(parse_datetime("2020-06-09 18:41:01 CEST"));
  CHECK(format_datetime(1591728061.0) == "2020-06-09 18:41:01");
}

TEST_CASE("the native writer's output reads back as the same jobs") {
  std::ostringstream os;
  NativeWriter w(os);
  const auto r = run("helios", {kFix + "/helios/cluster_log.csv"});
  for (const auto& j : r.jobs) w.write(j);
  const std::string text = os.str();
  CHECK(text.rfind("id,kind,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_models,priority,num_nodes\n", 0) == 0);
  CHECK(text.find("\n1425515,training,68531,7200,32000,0,8,1000,,0,2\n") != std::string::npos);
}
