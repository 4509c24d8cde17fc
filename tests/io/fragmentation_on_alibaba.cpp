// FGD fragmentation on the real Alibaba v2023 pod lists: the paper's target workload and the
// grouped evaluator against the definition (needs the trace reader, so it lives with io).
#include <doctest/doctest.h>

#include <cstdio>
#include <stdexcept>

#include "sim/io/traces/alibaba_v2023.hpp"
#include "sim/measure/fragmentation.hpp"
#include "sim/common/rng.hpp"

using namespace fleetsim;

namespace {

const std::string kData = FLEETSIM_SOURCE_DIR "/scenarios/data/alibaba-v2023";

/// F_n straight from the definition, one shape at a time.
double naive_fragment(const FragTarget& t, std::int64_t cpu_free, const std::vector<std::int32_t>& free, int model) {
  std::int64_t idle = 0;
  for (auto f : free) idle += f;
  double frag = 0;
  for (const auto& m : t.shapes()) {
    std::int64_t f_nm = idle;
    const bool access = m.model_mask == 0 || (model >= 0 && ((m.model_mask >> model) & 1u));
    if (m.gpu_milli > 0 && m.num_gpu > 0 && access) {
      int fit = 0;
      std::int64_t small = 0;
      for (auto f : free) {
        if (f >= m.gpu_milli) ++fit;
        else small += f;
      }
      if (fit >= m.num_gpu && cpu_free >= m.cpu_milli) f_nm = small;
    }
    frag += m.weight * static_cast<double>(f_nm);
  }
  return frag;
}

} // namespace

TEST_CASE("the paper's target workload: 35 shapes covering 7766 of the 8152 default pods") {
  GpuModels models;
  (void)alibaba::read_node_list(kData + "/openb_node_list_gpu_node.csv", models);
  const auto jobs = alibaba::jobs_of(alibaba::read_pod_list(kData + "/openb_pod_list_default.csv", models));
  const auto t = FragTarget::popular(jobs);
  // cpu/gpu_milli x num_gpu: count, most popular first (docs/fgd-notes.md section 3).
  const char* expected[] = {
      "3152/810x1:1047",  "11300/1000x1:874", "11400/1000x1:599", "3152/1000x1:470",  "11908/470x1:388",
      "12500/0x0:366",    "8000/470x1:360",   "12000/1000x1:326", "32000/0x0:290",    "18708/1000x1:255",
      "11908/650x1:237",  "4000/320x1:232",   "9810/1000x1:195",  "8000/0x0:185",     "8000/1000x1:164",
      "4000/1000x1:159",  "15700/1000x1:158", "11908/1000x1:153", "16000/1000x1:150", "4000/230x1:122",
      "15400/0x0:120",    "6000/460x1:120",   "16500/0x0:95",     "14200/1000x1:93",  "24200/1000x1:84",
      "3152/590x1:75",    "8000/320x1:72",    "4152/550x1:72",    "11900/1000x1:55",  "4000/160x1:54",
      "4152/370x1:45",    "4000/220x1:43",    "8200/1000x1:41",   "15200/1000x1:36",  "4152/810x1:31"};
  REQUIRE(t.shapes().size() == std::size(expected));
  std::int64_t covered = 0;
  double cpu_only = 0, sum = 0;
  for (std::size_t i = 0; i < t.shapes().size(); ++i) {
    const auto& s = t.shapes()[i];
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld/%dx%d:%lld", static_cast<long long>(s.cpu_milli), s.gpu_milli, s.num_gpu,
                  static_cast<long long>(s.count));
    CHECK(std::string(buf) == expected[i]);
    covered += s.count;
    sum += s.weight;
    if (s.num_gpu == 0) cpu_only += s.weight;
  }
  CHECK(covered == 7766);
  CHECK(sum == doctest::Approx(1.0));
  CHECK(t.shapes()[0].weight == doctest::Approx(1047.0 / 7766.0));
  CHECK(cpu_only == doctest::Approx((366.0 + 290 + 185 + 120 + 95) / 7766.0));  // 0.136
  // Without CPU-only pods the rule runs over the 7064 GPU pods.
  const auto g = FragTarget::popular(jobs, 95.0, false);
  for (const auto& s : g.shapes()) CHECK(s.num_gpu > 0);
}

TEST_CASE("the grouped evaluator equals the definition on random node states") {
  GpuModels models;
  (void)alibaba::read_node_list(kData + "/openb_node_list_gpu_node.csv", models);
  const auto jobs = alibaba::jobs_of(alibaba::read_pod_list(kData + "/openb_pod_list_gpuspec33.csv", models));
  const auto t = FragTarget::popular(jobs, 99.0);  // many shapes, some with model masks
  bool masked = false;
  for (const auto& s : t.shapes()) masked |= s.model_mask != 0;
  REQUIRE(masked);
  Rng rng(7);
  static const std::int32_t levels[] = {0, 100, 190, 300, 470, 500, 530, 650, 810, 1000};
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::int32_t> free(1 + rng.below(8));
    for (auto& f : free) f = levels[rng.below(std::size(levels))];
    const auto cpu = static_cast<std::int64_t>(rng.below(40)) * 1000;
    const int model = static_cast<int>(rng.below(static_cast<std::uint64_t>(models.size())));
    CHECK(t.node_fragment(cpu, free, model) == doctest::Approx(naive_fragment(t, cpu, free, model)));
  }
}
