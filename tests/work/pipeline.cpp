// Pipelines on hand-computed cases: completion, GPU busy and allocation times exact in both
// modes; the bounded buffer; request batches arriving over time; the disaggregated pipeline's
// throughput bounded by its slowest stage; gangs placed all or nothing.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <tuple>

#include "policies/registry.hpp"
#include "sim/measure/metrics.hpp"
#include "sim/sched/gang.hpp"
#include "sim/work/pipeline_runner.hpp"
#include "sim/common/rng.hpp"

using namespace fleetsim;

namespace {

/// Records what the runner reports; busy milli-seconds per job by telescoping (-d*t at +d).
struct Recorder final : PipelineRunner::Hooks {
  std::map<int, long double> busy_ms;
  std::map<int, std::int64_t> level;
  std::vector<std::tuple<double, std::int64_t>> busy_events;  // (t, delta) of job 0
  std::map<std::pair<int, int>, double> released;            // (job, part) -> t
  std::map<int, double> done;
  void busy(int job, std::int64_t d, double now) override {
    level[job] += d;
    busy_ms[job] -= static_cast<long double>(d) * now;
    if (job == 0) busy_events.emplace_back(now, d);
    CHECK(level[job] >= 0);
  }
  void release_part(int job, int part, double now) override {
    CHECK(released.emplace(std::pair{job, part}, now).second);  // once each
  }
  void finished(int job, double now) override { CHECK(done.emplace(job, now).second); }
};

StageSpec stage(const char* name, double batch_s, std::int32_t gpus = 0, std::int32_t gpu_milli = 1000, std::int32_t workers = 1,
                std::int64_t cpu = 1000) {
  StageSpec s;
  s.name = name;
  s.batch_s = batch_s;
  s.workers = workers;
  s.req.cpu_milli = cpu;
  s.req.memory_mib = 1024;
  s.req.num_gpu = gpus;
  s.req.gpu_milli = gpus ? gpu_milli : 0;
  return s;
}

/// A job's work for pipeline `p` in `mode`, as the work catalog builds it.
JobWork work_of(std::shared_ptr<PipelineSpec> p, ExecMode mode) {
  JobWork w;
  w.pipeline = p;
  w.mode = mode;
  w.batches = p->batches;
  if (mode == ExecMode::disaggregated) {
    w.stage_part.push_back(0);
    for (const auto& s : p->stages) {
      for (int k = 0; k < s.workers; ++k) w.parts.push_back(s.req);
      w.stage_part.push_back(static_cast<std::int32_t>(w.parts.size()));
    }
  }
  return w;
}

/// GPU devices of each part: a part's num_gpu shares of gpu_milli (monolithic: the container).
std::vector<std::vector<std::int32_t>> devices_of(const JobWork& w) {
  if (w.mode == ExecMode::monolithic) {
    const Request r = monolithic_request(*w.pipeline);
    return {std::vector<std::int32_t>(static_cast<std::size_t>(r.num_gpu), r.gpu_milli)};
  }
  std::vector<std::vector<std::int32_t>> d;
  for (const auto& r : w.parts) d.emplace_back(static_cast<std::size_t>(r.num_gpu), r.gpu_milli);
  return d;
}

void run_all(PipelineRunner& run) {
  for (double t = run.next_time(); std::isfinite(t); t = run.next_time()) run.advance(t);
}

/// pre (CPU, 2 s) -> gpu (1 GPU, 1 s) -> post (CPU, 1 s), N batches.
std::shared_ptr<PipelineSpec> three_stage(std::int64_t n, std::int32_t buffer = 1, std::int32_t gpu_milli = 1000) {
  auto p = std::make_shared<PipelineSpec>();
  p->name = "pre-gpu-post";
  p->stages = {stage("pre", 2, 0, 0, 1, 8000), stage("gpu", 1, 1, gpu_milli, 1, 2000), stage("post", 1, 0, 0, 1, 4000)};
  p->batches = n;
  p->buffer = buffer;
  return p;
}

} // namespace

TEST_CASE("monolithic: stages one after the other, the GPU busy only in the GPU stage") {
  const auto p = three_stage(3);
  const JobWork w = work_of(p, ExecMode::monolithic);
  Recorder rec;
  PipelineRunner run(rec);
  run.start(0, w, devices_of(w), 0.0);
  run_all(run);
  // Each batch takes 2 + 1 + 1 = 4 s; three batches: 12 s. The GPU works [2,3], [6,7], [10,11].
  CHECK(rec.done.at(0) == 12.0);
  CHECK(rec.busy_ms.at(0) == 3000.0L);
  CHECK(rec.busy_events == std::vector<std::tuple<double, std::int64_t>>{
                               {2, 1000}, {3, -1000}, {6, 1000}, {7, -1000}, {10, 1000}, {11, -1000}});
  CHECK(rec.released.empty());  // the one container is released when the job completes
  CHECK(run.stage_runs() == 9);
  CHECK(run.batches_done() == 3);
  CHECK(run.running() == 0);
  // Held for 12 s: 12,000 milli-GPU-seconds allocated, 9,000 of them idle.
  CHECK(PipelineRunner::ideal_duration(w) == 12.0);
  // The container: each resource at its largest stage.
  const Request r = monolithic_request(*p);
  CHECK(r.cpu_milli == 8000);
  CHECK(r.memory_mib == 1024);
  CHECK(r.num_gpu == 1);
  CHECK(r.gpu_milli == 1000);
}

TEST_CASE("disaggregated: stages overlap, each worker released when its stage is done") {
  const auto p = three_stage(3);
  const JobWork w = work_of(p, ExecMode::disaggregated);
  REQUIRE(w.parts.size() == 3);
  Recorder rec;
  PipelineRunner run(rec);
  run.start(0, w, devices_of(w), 0.0);
  run_all(run);
  // pre: [0,2] [2,4] [4,6]; gpu: [2,3] [4,5] [6,7]; post: [3,4] [5,6] [7,8].
  CHECK(rec.done.at(0) == 8.0);  // = sum of stages 4 + (3 - 1) x slowest 2
  CHECK(rec.busy_ms.at(0) == 3000.0L);
  CHECK(rec.busy_events == std::vector<std::tuple<double, std::int64_t>>{
                               {2, 1000}, {3, -1000}, {4, 1000}, {5, -1000}, {6, 1000}, {7, -1000}});
  CHECK(rec.released.at({0, 0}) == 6.0);  // pre took every batch and finished the last at 6
  CHECK(rec.released.at({0, 1}) == 7.0);  // the GPU worker: allocated 7 s, busy 3 s
  CHECK(rec.released.at({0, 2}) == 8.0);
  CHECK(run.stage_runs() == 9);
  CHECK(PipelineRunner::ideal_duration(w) == 8.0);
}

TEST_CASE("a fractional GPU is busy for its share only") {
  const auto p = three_stage(3, 1, 250);
  for (auto mode : {ExecMode::monolithic, ExecMode::disaggregated}) {
    CAPTURE(to_string(mode));
    const JobWork w = work_of(p, mode);
    Recorder rec;
    PipelineRunner run(rec);
    run.start(0, w, devices_of(w), 0.0);
    run_all(run);
    CHECK(rec.busy_ms.at(0) == 750.0L);  // 3 batches x 1 s x 250 milli
    CHECK(std::get<1>(rec.busy_events.front()) == 250);
  }
}

TEST_CASE("the bounded buffer: an upstream worker blocks, holding its allocation") {
  // A (1 s) feeds B (3 s), 4 batches. Buffer 1: A blocks at 3 and at 5, and is released at 7,
  // when B takes batch 2 and A can push batch 3. Buffer 3: A never blocks, released at 4.
  for (auto [buffer, release_a, blocked] : {std::tuple{1, 7.0, 2}, std::tuple{3, 4.0, 0}}) {
    CAPTURE(buffer);
    auto p = std::make_shared<PipelineSpec>();
    p->stages = {stage("a", 1), stage("b", 3)};
    p->batches = 4;
    p->buffer = buffer;
    const JobWork w = work_of(p, ExecMode::disaggregated);
    Recorder rec;
    PipelineRunner run(rec);
    run.start(0, w, devices_of(w), 0.0);
    run_all(run);
    CHECK(rec.done.at(0) == 13.0);  // 1 + 4 x 3
    CHECK(rec.released.at({0, 0}) == release_a);
    CHECK(rec.released.at({0, 1}) == 13.0);
    CHECK(run.blocked_events() == static_cast<std::uint64_t>(blocked));
  }
}

TEST_CASE("request batches arriving over time: an inference service is allocated but mostly idle") {
  // pre 1 s, GPU 2 s at 500 milli, post 1 s; a batch every 10 s, 3 batches.
  auto p = std::make_shared<PipelineSpec>();
  p->stages = {stage("pre", 1), stage("infer", 2, 1, 500), stage("post", 1)};
  p->batches = 3;
  p->arrival_interval_s = 10;
  {
    const JobWork w = work_of(p, ExecMode::monolithic);
    Recorder rec;
    PipelineRunner run(rec);
    run.start(0, w, devices_of(w), 100.0);  // started at t = 100: batches at 100, 110, 120
    run_all(run);
    CHECK(rec.done.at(0) == 124.0);
    CHECK(rec.busy_ms.at(0) == 3000.0L);  // 3 x 2 s x 500; allocated 24 s x 500 = 12,000
    CHECK(rec.busy_events.front() == std::tuple<double, std::int64_t>{101, 500});
    CHECK(PipelineRunner::ideal_duration(w) == 24.0);
  }
  {
    const JobWork w = work_of(p, ExecMode::disaggregated);
    Recorder rec;
    PipelineRunner run(rec);
    run.start(0, w, devices_of(w), 0.0);
    run_all(run);
    CHECK(rec.done.at(0) == 24.0);
    CHECK(rec.busy_events == std::vector<std::tuple<double, std::int64_t>>{
                                 {1, 500}, {3, -500}, {11, 500}, {13, -500}, {21, 500}, {23, -500}});
    CHECK(rec.released.at({0, 0}) == 21.0);
    CHECK(rec.released.at({0, 1}) == 23.0);
    CHECK(rec.released.at({0, 2}) == 24.0);
  }
}

TEST_CASE("monolithic workers split each batch -- the container holds all of them") {
  auto p = std::make_shared<PipelineSpec>();
  p->stages = {stage("decode", 4, 0, 0, 4, 8000), stage("train", 1, 1)};
  p->batches = 10;
  const JobWork mono = work_of(p, ExecMode::monolithic);
  CHECK(PipelineRunner::ideal_duration(mono) == 20.0);  // (4 / 4 + 1) x 10
  const Request r = monolithic_request(*p);
  CHECK(r.cpu_milli == 32000);  // 4 workers x 8 cores
  CHECK(r.num_gpu == 1);
  // Disaggregated: 4 decoders deliver one batch a second: the GPU is the bottleneck.
  const JobWork dis = work_of(p, ExecMode::disaggregated);
  CHECK(dis.parts.size() == 5);
  CHECK(PipelineRunner::ideal_duration(dis) == 4.0 + 10 * 1.0);
}

TEST_CASE("disaggregated throughput is bounded by the slowest stage, and reaches it") {
  Rng rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    auto p = std::make_shared<PipelineSpec>();
    const int stages = 1 + static_cast<int>(rng.below(4));
    const bool single = trial % 2 == 0;  // every stage one worker
    for (int s = 0; s < stages; ++s)
      p->stages.push_back(stage("s", 0.5 * double(1 + rng.below(8)), s == 1 ? 1 : 0, 1000,
                                single ? 1 : 1 + static_cast<std::int32_t>(rng.below(3))));
    p->batches = 1 + static_cast<std::int64_t>(rng.below(200));
    p->buffer = 1 + static_cast<std::int32_t>(rng.below(3));
    const JobWork w = work_of(p, ExecMode::disaggregated);
    const double n = double(p->batches);
    double slowest = 0, sum = 0, bound = 0;
    for (const auto& s : p->stages) {
      slowest = std::max(slowest, s.batch_s / s.workers);
      sum += s.batch_s;
      // Stage s cannot finish n batches before ceil(n / workers) rounds of batch_s.
      bound = std::max(bound, std::ceil(n / s.workers) * s.batch_s);
    }
    Recorder rec;
    PipelineRunner run(rec);
    run.start(0, w, devices_of(w), 0.0);
    run_all(run);
    const double makespan = rec.done.at(0);
    CAPTURE(trial);
    CHECK(makespan >= bound);
    CHECK(n / makespan <= 1.0 / slowest + 1e-9);  // never faster than the slowest stage
    if (single) CHECK(makespan == doctest::Approx(sum + (n - 1) * slowest).epsilon(1e-12));  // exactly its pace
    else CHECK(makespan <= sum + (n - 1) * slowest * 1.25 + 2 * sum);                       // close to it
    CHECK(rec.released.size() == w.parts.size());  // every worker released, once
    CHECK(run.stage_runs() == static_cast<std::uint64_t>(p->batches * stages));
  }
}

TEST_CASE("monolithic containers need one kind of GPU share") {
  auto p = std::make_shared<PipelineSpec>();
  p->stages = {stage("a", 1, 1, 500), stage("b", 1, 2, 1000)};
  std::string why;
  CHECK_FALSE(monolithic_compatible(*p, &why));
  CHECK(why == "stages \"a\" and \"b\" ask for different GPU shares; one monolithic container holds one kind of GPU share");
  p->stages[0].req.gpu_milli = 1000;
  CHECK(monolithic_compatible(*p, &why));
  CHECK(monolithic_request(*p).num_gpu == 2);
}

TEST_CASE("a gang is placed all or nothing") {
  ClusterState c;
  c.add_node("gpu-0", 0, 8000, 65536, 2, 0);
  c.add_node("cpu-0", 1, 16000, 65536, 0, -1);
  auto placement = policies::make_placement("first-fit", nlohmann::json::object(), 1);
  PartsPlacer placer(c, nullptr);

  auto p = std::make_shared<PipelineSpec>();
  p->stages = {stage("pre", 1, 0, 0, 2, 8000), stage("gpu", 1, 1, 1000, 1, 4000)};
  p->batches = 1;
  Job j;
  j.id = "pipe";
  j.work = std::make_shared<JobWork>(work_of(p, ExecMode::disaggregated));
  CHECK(PartsPlacer::special(j));
  CHECK(placer.could_ever_fit(j));

  // pre x2 (8 cores each) and gpu (4 cores + 1 GPU): in the parts' order first-fit puts the first
  // pre on gpu-0's 8 cores and the GPU worker finds no CPU there; the search (GPU worker first)
  // finds the layout: both pre on cpu-0, the GPU worker on gpu-0 (issue 11).
  auto parts = placer.place(0, j, c, *placement);
  REQUIRE(parts);
  CHECK((*parts)[0].node == 1);
  CHECK((*parts)[1].node == 1);
  CHECK((*parts)[2].node == 0);
  for (int k = 0; k < 3; ++k) placer.release(0, k, (*parts)[static_cast<std::size_t>(k)], c);
  CHECK(c.empty());
  // With a smaller CPU node no layout fits: nothing placed, all undone.
  ClusterState c1;
  c1.add_node("gpu-0", 0, 8000, 65536, 2, 0);
  c1.add_node("cpu-0", 1, 12000, 65536, 0, -1);
  parts = placer.place(0, j, c1, *placement);
  CHECK_FALSE(parts);
  CHECK(c1.empty());
  c1.check_invariants();

  // With a bigger CPU node, the pre workers go there and the GPU worker to gpu-0.
  ClusterState c2;
  c2.add_node("cpu-0", 1, 16000, 65536, 0, -1);
  c2.add_node("gpu-0", 0, 8000, 65536, 2, 0);
  PartsPlacer placer2(c2, nullptr);
  parts = placer2.place(0, j, c2, *placement);
  REQUIRE(parts);
  REQUIRE(parts->size() == 3);
  CHECK((*parts)[0].node == 0);
  CHECK((*parts)[1].node == 0);
  CHECK((*parts)[2].node == 1);
  CHECK(c2.alloc_cpu_milli() == 20000);
  CHECK(c2.alloc_gpu_milli() == 1000);
  CHECK(placer2.devices(0, 2, (*parts)[2]) == std::vector<std::int32_t>{1000});
  for (int k = 0; k < 3; ++k) placer2.release(0, k, (*parts)[static_cast<std::size_t>(k)], c2);
  CHECK(c2.empty());

  // A part bigger than every node: the gang can never run.
  j.work = std::make_shared<JobWork>(work_of(p, ExecMode::disaggregated));
  auto big = std::make_shared<JobWork>(*j.work);
  big->parts[0].cpu_milli = 64000;
  j.work = big;
  CHECK_FALSE(placer2.could_ever_fit(j));
}

TEST_CASE("the observer integrates busy GPU milli exactly, per job and over time") {
  ClusterState c;
  c.add_node("g", 0, 8000, 8192, 2, 0);
  UtilizationObserver util(c, true);
  const Allocation a{0, 1000, 1024, {{0, 1000}, {1, 500}}, {}, {}};
  c.allocate(a);
  util.observe(0, 0, 1);
  util.add_busy(0, 1000, 2.0);  // job 0's first GPU works [2, 5)
  util.observe(2, 0, 1);
  util.add_busy(1, 500, 3.0);  // job 1's half GPU works [3, 10 = end)
  util.observe(3, 0, 2);
  util.add_busy(0, -1000, 5.0);
  util.observe(5, 0, 2);
  util.observe(7, 0, 2);  // nothing changed: no row
  util.finish(10);
  CHECK(util.gpu_busy_milli_seconds() == 3000.0L + 3500.0L);
  CHECK(util.gpu_milli_seconds() == 15000.0L);
  CHECK(util.job_busy_milli_seconds(0) == 3000.0L);
  CHECK(util.job_busy_milli_seconds(1) == 3500.0L);
  CHECK(util.busy_milli() == 500);
  std::vector<std::int64_t> busy;
  for (const auto& s : util.series()) busy.push_back(s.gpu_busy_milli);
  CHECK(busy == std::vector<std::int64_t>{0, 1000, 1500, 500});
  // Per-job allocated time from the records, including parts released early.
  std::vector<JobRecord> recs(2);
  recs[0].status = JobStatus::completed;
  recs[0].start_s = 0;
  recs[0].finish_s = 6;
  recs[0].alloc = a;
  recs[1].status = JobStatus::running;  // at the end of the window: counts until then
  recs[1].start_s = 1;
  recs[1].parts = {Allocation{0, 0, 0, {{0, 250}}, {}, {}}, Allocation{0, 0, 0, {{1, 100}}, {}, {}}};
  recs[1].part_end_s = {4, -1};
  recs[1].alloc = recs[1].parts[0];
  account_gpu_time(recs, util, 10);
  CHECK(recs[0].gpu_alloc_milli_s == 1500.0L * 6);
  CHECK(recs[0].gpu_busy_milli_s == 3000.0L);
  CHECK(recs[1].gpu_alloc_milli_s == 250.0L * 3 + 100.0L * 9);
  // Busy beyond what is allocated is a bug.
  CHECK_THROWS_AS(util.add_busy(2, 5000, 10.0), std::logic_error);
}
