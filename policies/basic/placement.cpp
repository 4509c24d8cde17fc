// Built-in placement policies: first-fit, worst-fit, random. best-fit and the other scoring
// policies of the FGD paper live in sharing.cpp and fgd.cpp.
#include "policies/allocate.hpp"
#include "policies/builtin.hpp"
#include "policies/scoring.hpp"
#include "sim/common/rng.hpp"

namespace fleetsim::policies {

namespace {

class FirstFit final : public BuiltinPlacement {
public:
  std::string_view name() const override { return "first-fit"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    for (int n = 0; n < c.num_nodes(); ++n)
      if (c.fits(n, job.req)) return allocate_on_node(c, n, job.req);
    return std::nullopt;
  }
};

/// Sum over the node's resources of (free after placement / capacity), each weighted; the
/// node with the most leftover wins (spreads load), lowest index on ties.
class WorstFit final : public BuiltinPlacement {
public:
  WorstFit(double w_gpu, double w_cpu, double w_mem) : w_gpu_(w_gpu), w_cpu_(w_cpu), w_mem_(w_mem) {}
  std::string_view name() const override { return "worst-fit"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    const Request& r = job.req;
    const int chosen = best_node(c, r, Prefer::highest, [&](int n) {
      const Node& nd = c.node(n);
      double s = 0;
      if (nd.gpu_count > 0)
        s += w_gpu_ * double(c.free_gpu_milli(n) - r.total_gpu_milli()) / (1000.0 * nd.gpu_count);
      if (nd.cpu_milli > 0) s += w_cpu_ * double(c.free_cpu_milli(n) - r.cpu_milli) / double(nd.cpu_milli);
      if (nd.memory_mib > 0)
        s += w_mem_ * double(c.free_memory_mib(n) - r.memory_mib) / double(nd.memory_mib);
      return s;
    });
    if (chosen < 0) return std::nullopt;
    return allocate_on_node(c, chosen, r);
  }

private:
  double w_gpu_, w_cpu_, w_mem_;
};

/// The FGD paper's random policy: a node uniform among those that fit; a shared request gets a
/// GPU uniform among the GPUs with enough free milli (fully free ones included); whole GPUs are
/// the lowest-index free ones. Draws come from the scenario seed.
class RandomFit final : public BuiltinPlacement {
public:
  explicit RandomFit(std::uint64_t seed) : rng_(stream_seed(seed, "random")) {}
  std::string_view name() const override { return "random"; }
  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    const Request& r = job.req;
    feasible_.clear();
    for (int n = 0; n < c.num_nodes(); ++n)
      if (c.fits(n, r)) feasible_.push_back(n);
    if (feasible_.empty()) return std::nullopt;
    const int n = feasible_[rng_.below(feasible_.size())];
    if (!is_sharing(r)) return allocate_on_node(c, n, r);
    const auto free = c.gpu_free(n);
    std::uint64_t fit = 0;
    for (auto f : free) fit += f >= r.gpu_milli;
    auto pick = rng_.below(fit);
    Allocation a{n, r.cpu_milli, r.memory_mib, {}};
    for (int g = 0; g < static_cast<int>(free.size()); ++g)
      if (free[g] >= r.gpu_milli && pick-- == 0) a.gpus.push_back({g, r.gpu_milli});
    return a;
  }

private:
  Rng rng_;
  std::vector<int> feasible_;
};

} // namespace

std::unique_ptr<PlacementPolicy> make_first_fit(const ParamReader&) { return std::make_unique<FirstFit>(); }
std::unique_ptr<PlacementPolicy> make_worst_fit(const ParamReader& p) {
  return std::make_unique<WorstFit>(p.get_number("weight_gpu", 1.0, 0.0), p.get_number("weight_cpu", 1.0, 0.0),
                                    p.get_number("weight_memory", 1.0, 0.0));
}
std::unique_ptr<PlacementPolicy> make_random(const ParamReader& p) { return std::make_unique<RandomFit>(p.seed()); }

} // namespace fleetsim::policies
