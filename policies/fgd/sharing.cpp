// The FGD paper's baseline scoring policies for GPU-sharing workloads (Weng et al., ATC'23,
// and the authors' simulator): best-fit, dot-product, gpu-packing, gpu-clustering. Each scores
// every feasible node with an integer, the highest wins, ties go to TieBreak; the GPUs are the
// "best" choice of allocate_on_node (tightest GPU that fits for a shared request, lowest-index
// free GPUs for whole ones). Memory is checked for feasibility only, as in the paper.
#include <algorithm>

#include "policies/builtin.hpp"
#include "policies/allocate.hpp"
#include "policies/scoring.hpp"

namespace fleetsim::policies {
namespace {

/// Score = int(100 * (1 - leftover)), leftover = sum of weight x (free after placement / the
/// largest node's capacity) over CPU, GPU and memory. The paper: 0.5 CPU + 0.5 GPU, no memory.
class BestFit final : public BuiltinPlacement {
public:
  BestFit(TieBreak tb, double w_cpu, double w_gpu, double w_mem) : tb_(tb), w_cpu_(w_cpu), w_gpu_(w_gpu), w_mem_(w_mem) {}
  std::string_view name() const override { return "best-fit"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    tb_.prepare(c.num_nodes());
    const Request& r = job.req;
    const MaxSpec m = MaxSpec::of(c);
    const int n = best_node(c, r, tb_, [&](int i) {
      const double left = w_cpu_ * double(c.free_cpu_milli(i) - r.cpu_milli) / m.cpu_milli +
                          w_gpu_ * double(c.free_gpu_milli(i) - r.total_gpu_milli()) / m.gpu_milli +
                          w_mem_ * double(c.free_memory_mib(i) - r.memory_mib) / m.memory_mib;
      return static_cast<std::int64_t>((1.0 - left) * 100.0);
    });
    if (n < 0) return std::nullopt;
    return allocate_on_node(c, n, r);
  }

private:
  TieBreak tb_;
  double w_cpu_, w_gpu_, w_mem_;
};

/// Tetris-style alignment: score = int(100 * (1 - (N . P) / 2)) with N = (free CPU, free GPU
/// milli) and P = the request, each over the largest node's capacity. The smaller the dot
/// product, the higher the score.
class DotProduct final : public BuiltinPlacement {
public:
  explicit DotProduct(TieBreak tb) : tb_(tb) {}
  std::string_view name() const override { return "dot-product"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    tb_.prepare(c.num_nodes());
    const Request& r = job.req;
    const MaxSpec m = MaxSpec::of(c);
    const double p_cpu = double(r.cpu_milli) / m.cpu_milli, p_gpu = double(r.total_gpu_milli()) / m.gpu_milli;
    const int n = best_node(c, r, tb_, [&](int i) {
      const double dot = double(c.free_cpu_milli(i)) / m.cpu_milli * p_cpu + double(c.free_gpu_milli(i)) / m.gpu_milli * p_gpu;
      return static_cast<std::int64_t>(100.0 * (1.0 - dot / 2.0));
    });
    if (n < 0) return std::nullopt;
    return allocate_on_node(c, n, r);
  }

private:
  TieBreak tb_;
};

/// Packs GPU requests onto used GPUs first. CPU-only requests score 0 everywhere (tie-break
/// decides). Let F = fully free GPUs of the node, G = its GPUs:
///   F == G (no GPU in use):                    max(33 - F, F)  (small idle nodes first)
///   else, of the num_gpu tightest fitting GPUs, u fully free:
///     u > 0:                                   max(50 - u, 33)
///     u = 0: r = sum of free*100/1000 (ints):  max(100 - r/10, 50)
class GpuPacking final : public BuiltinPlacement {
public:
  explicit GpuPacking(TieBreak tb) : tb_(tb) {}
  std::string_view name() const override { return "gpu-packing"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    tb_.prepare(c.num_nodes());
    const Request& r = job.req;
    const int n = best_node(c, r, tb_, [&](int i) -> std::int64_t { return score(c, i, r); });
    if (n < 0) return std::nullopt;
    if (r.num_gpu > 1 && r.gpu_milli < 1000 && r.mig < 0) {
      // A multi-GPU shared request gets the GPUs it was scored with: the num_gpu tightest
      // fitting ones, lowest index on ties.
      const auto free = c.gpu_free(n);
      idx_.clear();
      for (std::size_t g = 0; g < free.size(); ++g)
        if (free[g] >= r.gpu_milli) idx_.push_back(static_cast<std::int32_t>(g));
      if (idx_.size() >= static_cast<std::size_t>(r.num_gpu)) {
        std::stable_sort(idx_.begin(), idx_.end(), [&](std::int32_t x, std::int32_t y) {
          return free[static_cast<std::size_t>(x)] < free[static_cast<std::size_t>(y)];
        });
        Allocation a{n, r.cpu_milli, r.memory_mib, {}};
        for (std::int32_t k = 0; k < r.num_gpu; ++k) a.gpus.push_back({idx_[static_cast<std::size_t>(k)], r.gpu_milli});
        std::sort(a.gpus.begin(), a.gpus.end(), [](const GpuShare& x, const GpuShare& y) { return x.gpu < y.gpu; });
        return a;
      }
    }
    return allocate_on_node(c, n, r);  // composable: no local GPUs fit, compose
  }

private:
  std::int64_t score(const ClusterState& c, int n, const Request& r) {
    if (r.num_gpu == 0 || r.gpu_milli <= 0) return 0;
    const auto free = c.gpu_free(n);
    const std::int64_t total = static_cast<std::int64_t>(free.size()), whole = c.free_whole_gpus(n);
    if (whole == total) return std::max<std::int64_t>(33 - whole, whole);
    // The free milli of the num_gpu tightest GPUs that still fit (which of equal GPUs is
    // taken does not change the score).
    fit_.clear();
    for (auto f : free)
      if (f >= r.gpu_milli) fit_.push_back(f);
    const auto k = std::min(fit_.size(), static_cast<std::size_t>(r.num_gpu));
    std::partial_sort(fit_.begin(), fit_.begin() + static_cast<std::ptrdiff_t>(k), fit_.end());
    std::int64_t unused = 0, sum = 0;
    for (std::size_t j = 0; j < k; ++j) {
      unused += fit_[j] == 1000;
      sum += fit_[j] * 100 / 1000;
    }
    if (unused > 0) return std::max<std::int64_t>(50 - unused, 33);
    return std::max<std::int64_t>(100 - sum / 10, 50);
  }

  TieBreak tb_;
  std::vector<std::int32_t> fit_;  // scratch
  std::vector<std::int32_t> idx_;  // scratch
};

/// Groups GPU requests of the same kind on the same nodes. Kinds: a shared GPU, or k whole
/// GPUs. base = 25 x (largest node's GPU milli - free GPU milli) / largest node's GPU milli
/// (integers); the node's kinds are those of the allocations it holds:
///   only this kind: base + 75;  this kind among others: base + 50;  none: base + 25;
///   only other kinds: base.  CPU-only requests score 0 everywhere.
class GpuClustering final : public BuiltinPlacement {
public:
  explicit GpuClustering(TieBreak tb) : tb_(tb) {}
  std::string_view name() const override { return "gpu-clustering"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    tb_.prepare(c.num_nodes());
    const Request& r = job.req;
    const auto max_gpu = static_cast<std::int64_t>(MaxSpec::of(c).gpu_milli);
    const int kind = is_sharing(r) ? 0 : r.num_gpu;
    const int n = best_node(c, r, tb_, [&](int i) -> std::int64_t {
      if (r.num_gpu == 0 || r.gpu_milli <= 0) return 0;
      const std::int64_t base = 25 * (max_gpu - c.free_gpu_milli(i)) / max_gpu;
      const auto kinds = c.gpu_alloc_kinds(i);
      int present = 0;
      for (auto k : kinds) present += k > 0;
      const bool mine = kind < static_cast<int>(kinds.size()) && kinds[static_cast<std::size_t>(kind)] > 0;
      if (mine) return base + (present == 1 ? 75 : 50);
      return base + (present == 0 ? 25 : 0);
    });
    if (n < 0) return std::nullopt;
    return allocate_on_node(c, n, r);
  }

private:
  TieBreak tb_;
};

} // namespace

std::unique_ptr<PlacementPolicy> make_best_fit(const ParamReader& p) {
  return std::make_unique<BestFit>(TieBreak::from_params(p), p.get_number("weight_cpu", 0.5, 0.0),
                                   p.get_number("weight_gpu", 0.5, 0.0), p.get_number("weight_memory", 0.0, 0.0));
}
std::unique_ptr<PlacementPolicy> make_dot_product(const ParamReader& p) {
  return std::make_unique<DotProduct>(TieBreak::from_params(p));
}
std::unique_ptr<PlacementPolicy> make_gpu_packing(const ParamReader& p) {
  return std::make_unique<GpuPacking>(TieBreak::from_params(p));
}
std::unique_ptr<PlacementPolicy> make_gpu_clustering(const ParamReader& p) {
  return std::make_unique<GpuClustering>(TieBreak::from_params(p));
}

} // namespace fleetsim::policies
