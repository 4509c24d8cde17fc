// Times the FGD paper's fill experiment on the Alibaba v2023 default pod list and GPU-node
// list: one run (fgd, seed 42), then the 6 policies x seeds 42..51 grid on N threads, printing
// wall seconds and the mean GPU allocation at 100% arrival per policy next to the paper's.
//
//   fleetsim-bench-fgd-fill [--data DIR] [--threads N] [--tie-break random|index]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "policies/registry.hpp"
#include "sim/io/traces/alibaba_v2023.hpp"
#include "sim/engine/fill.hpp"
#include "sim/measure/fragmentation.hpp"

using namespace fleetsim;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Policy {
  const char* name;
  double published;
};
const Policy kPolicies[] = {{"random", 86.3},    {"dot-product", 90.6}, {"gpu-clustering", 91.7},
                            {"gpu-packing", 91.8}, {"best-fit", 92.9},    {"fgd", 95.2}};

} // namespace

int main(int argc, char** argv) {
  std::string data = FLEETSIM_SOURCE_DIR "/scenarios/data/alibaba-v2023";
  unsigned threads = 2;
  std::string tie = "random";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    else if (!std::strcmp(argv[i], "--threads")) threads = static_cast<unsigned>(std::stoul(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--tie-break")) tie = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--data DIR] [--threads N] [--tie-break random|index]\n", argv[0]);
      return 2;
    }
  }
  try {
    auto t0 = std::chrono::steady_clock::now();
    GpuModels models;
    const auto nodes = alibaba::read_node_list(data + "/openb_node_list_gpu_node.csv", models);
    const auto pods = alibaba::jobs_of(alibaba::read_pod_list(data + "/openb_pod_list_default.csv", models));
    const auto target = FragTarget::popular(pods);
    std::printf("load: %d nodes, %d GPUs, %zu pods, %zu target shapes, %.3f s\n", nodes.cluster.num_nodes(),
                nodes.cluster.num_gpus(), pods.size(), target.shapes().size(), seconds_since(t0));
    const nlohmann::json params = {{"tie_break", tie}};
    const auto shared_target = std::make_shared<const FragTarget>(target);

    auto run = [&](const char* policy, std::uint64_t seed) {
      ClusterState cluster = nodes.cluster;
      auto p = policies::make_placement(policy, {policy == std::string("random") ? nlohmann::json::object() : params,
                                                 seed, shared_target});
      FillOptions opt;
      opt.seed = seed;
      return run_fill(cluster, pods, *p, target, opt);
    };

    t0 = std::chrono::steady_clock::now();
    const auto one = run("fgd", 42);
    std::printf("one fill run (fgd, seed 42): %.3f s wall; %lld pods, GPU alloc at 100%%: %.2f%%, failed %lld\n",
                seconds_since(t0), static_cast<long long>(one.pods), one.at_100 ? one.at_100->gpu_alloc_pct : -1.0,
                static_cast<long long>(one.failed));

    constexpr int kSeeds = 10;
    std::vector<double> at100(std::size(kPolicies) * kSeeds, 0.0), secs(at100.size(), 0.0);
    std::vector<double> frag100(at100.size(), 0.0), fgpus100(at100.size(), 0.0), failed(at100.size(), 0.0);
    std::atomic<std::size_t> next{0};
    t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < std::max(1u, threads); ++t)
      pool.emplace_back([&] {
        for (std::size_t i; (i = next++) < at100.size();) {
          const auto s0 = std::chrono::steady_clock::now();
          const auto r = run(kPolicies[i / kSeeds].name, 42 + i % kSeeds);
          at100[i] = r.at_100 ? r.at_100->gpu_alloc_pct : 0.0;
          frag100[i] = r.at_100 ? r.at_100->frag_ratio_pct : 0.0;
          fgpus100[i] = r.at_100 ? r.at_100->frag_gpus : 0.0;
          failed[i] = static_cast<double>(r.failed_by_100);
          secs[i] = seconds_since(s0);
        }
      });
    for (auto& th : pool) th.join();
    std::printf("grid 6 policies x seeds 42..51 on %u threads: %.3f s wall\n", threads, seconds_since(t0));
    std::printf("means at 100%% arrival: GPU alloc %% (paper), frag ratio %%, frag GPUs, pods failed by then\n");
    std::printf("%-15s %8s %9s %7s %7s %7s %7s %7s  per-seed alloc\n", "policy", "alloc", "published", "diff",
                "frag%", "fragGPU", "failed", "s/run");
    for (std::size_t p = 0; p < std::size(kPolicies); ++p) {
      double sum = 0, s = 0, fr = 0, fg = 0, fl = 0;
      for (int k = 0; k < kSeeds; ++k) {
        sum += at100[p * kSeeds + k];
        s += secs[p * kSeeds + k];
        fr += frag100[p * kSeeds + k];
        fg += fgpus100[p * kSeeds + k];
        fl += failed[p * kSeeds + k];
      }
      const double mean = sum / kSeeds;
      std::printf("%-15s %8.2f %9.1f %+7.2f %7.2f %7.1f %7.1f %7.3f ", kPolicies[p].name, mean, kPolicies[p].published,
                  mean - kPolicies[p].published, fr / kSeeds, fg / kSeeds, fl / kSeeds, s / kSeeds);
      for (int k = 0; k < kSeeds; ++k) std::printf(" %.2f", at100[p * kSeeds + k]);
      std::printf("\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
