// Fragmentation Gradient Descent (Weng et al., ATC'23): place a request on the node (and GPU)
// whose fragmentation F_n (sim/measure/fragmentation.hpp) grows least.
//
// Score of a feasible node: int(100 * sigmoid((F_before - F_after) / 1000)), F in milli-GPU.
// A shared request (one GPU, < 1000 milli) tries every GPU with enough free milli and keeps the
// first index reaching the best integer score; other requests take the tightest fitting GPUs
// (the lowest-index free ones for whole GPUs). Highest score wins; ties go to TieBreak.
//
// Speed: a node's score for a request shape depends only on the node's state, so scores are
// cached per (node, shape) and keyed on ClusterState::node_stamp; only nodes changed since the
// shape was last scored are recomputed. Within a node, GPUs with equal free milli give equal
// scores and are evaluated once.
#include <cmath>
#include <span>
#include <stdexcept>
#include <unordered_map>

#include "policies/builtin.hpp"
#include "policies/allocate.hpp"
#include "policies/scoring.hpp"
#include "sim/model/request_shape.hpp"

namespace fleetsim::policies {
namespace {

class Fgd final : public BuiltinPlacement {
public:
  Fgd(TieBreak tb, std::shared_ptr<const FragTarget> target) : tb_(tb), target_(std::move(target)) {}
  std::string_view name() const override { return "fgd"; }

  std::optional<Allocation> place_request(const Job& job, const ClusterState& c) override {
    if (!target_) throw std::logic_error("fgd placement: no fragmentation target was set");
    if (c.num_nodes() != nodes_) reset(c.num_nodes());
    tb_.prepare(c.num_nodes());
    const Request& r = job.req;
    const int shape = shape_id(r);
    const Entry* chosen = nullptr;
    const int n = best_node(c, r, tb_, [&](int i) -> std::int64_t {
      Entry& e = cache_[static_cast<std::size_t>(i) * shape_cap_ + static_cast<std::size_t>(shape)];
      if (e.stamp != c.node_stamp(i)) score(c, i, r, e);
      return e.score;
    });
    if (n < 0) return std::nullopt;
    chosen = &cache_[static_cast<std::size_t>(n) * shape_cap_ + static_cast<std::size_t>(shape)];
    if (is_sharing(r) && chosen->gpu >= 0) return Allocation{n, r.cpu_milli, r.memory_mib, {{chosen->gpu, r.gpu_milli}}};
    if (!is_sharing(r) && r.num_gpu > 1 && r.gpu_milli < 1000 && r.mig < 0) {
      // A multi-GPU shared request gets the GPUs it was scored with (the tightest fitting ones).
      const auto free = c.gpu_free(n);
      work_.assign(free.begin(), free.end());
      Allocation a{n, r.cpu_milli, r.memory_mib, {}};
      if (static_cast<int>(tightest(free, r, &a.gpus)) == r.num_gpu) return a;
    }
    return allocate_on_node(c, n, r);  // composable: no local GPU fits, compose
  }

private:
  struct Entry {
    std::uint64_t stamp = 0;  // node_stamp the score belongs to; 0 = never computed
    std::int32_t score = 0;
    std::int32_t gpu = -1;    // chosen GPU of a shared request
  };

  void reset(int nodes) {
    nodes_ = nodes;
    shape_cap_ = std::max<std::size_t>(shape_cap_, 16);
    cache_.assign(static_cast<std::size_t>(nodes) * shape_cap_, Entry{});
    before_.assign(static_cast<std::size_t>(nodes), Entry{});
    before_f_.assign(static_cast<std::size_t>(nodes), 0.0);
  }

  int shape_id(const Request& r) {
    RequestShape key = RequestShape::of(r);
    key.memory_mib = 0;  // the score ignores memory: one cache entry for every memory size
    const auto [it, fresh] = shapes_.emplace(key, static_cast<int>(shapes_.size()));
    if (fresh && shapes_.size() > shape_cap_) {  // grow the per-node rows, keeping entries
      const std::size_t cap = shape_cap_ * 2;
      std::vector<Entry> grown(static_cast<std::size_t>(nodes_) * cap);
      for (std::size_t n = 0; n < static_cast<std::size_t>(nodes_); ++n)
        std::copy_n(cache_.begin() + static_cast<std::ptrdiff_t>(n * shape_cap_), shape_cap_,
                    grown.begin() + static_cast<std::ptrdiff_t>(n * cap));
      cache_ = std::move(grown);
      shape_cap_ = cap;
    }
    return it->second;
  }

  double fragment_before(const ClusterState& c, int n) {
    const auto i = static_cast<std::size_t>(n);
    if (before_[i].stamp != c.node_stamp(n)) {
      before_f_[i] = target_->node_fragment(c, n);
      before_[i].stamp = c.node_stamp(n);
    }
    return before_f_[i];
  }

  static std::int32_t to_score(double before, double after) {
    return static_cast<std::int32_t>(100.0 / (1.0 + std::exp(-(before - after) / 1000.0)));
  }

  /// Scores request r on node n (which fits it) into e.
  void score(const ClusterState& c, int n, const Request& r, Entry& e) {
    const double before = fragment_before(c, n);
    const auto free = c.gpu_free(n);
    const int model = c.node(n).gpu_model;
    const std::int64_t cpu_after = c.free_cpu_milli(n) - r.cpu_milli;
    work_.assign(free.begin(), free.end());
    e.stamp = c.node_stamp(n);
    if (is_sharing(r)) {
      e.score = -1;
      e.gpu = -1;
      seen_.clear();  // (free milli, score) of GPUs already tried
      for (std::size_t g = 0; g < free.size(); ++g) {
        if (free[g] < r.gpu_milli) continue;
        std::int32_t s = -1;
        for (const auto& [v, sv] : seen_)
          if (v == free[g]) s = sv;
        if (s < 0) {
          work_[g] -= r.gpu_milli;
          s = to_score(before, target_->node_fragment(cpu_after, work_, model));
          work_[g] += r.gpu_milli;
          seen_.emplace_back(free[g], s);
        }
        if (s > e.score) {
          e.score = s;
          e.gpu = static_cast<std::int32_t>(g);
        }
      }
      return;
    }
    (void)tightest(free, r, nullptr);
    e.score = to_score(before, target_->node_fragment(cpu_after, work_, model));
    e.gpu = -1;
  }

  /// Whole GPUs (or none) and multi-GPU shares: takes the num_gpu tightest fitting GPUs of
  /// `free` (lowest index on ties) out of work_ (a copy of free); appends them to `picks`.
  /// Returns how many were found.
  std::size_t tightest(std::span<const std::int32_t> free, const Request& r, std::vector<GpuShare>* picks) {
    std::size_t found = 0;
    for (std::int32_t k = 0; k < r.num_gpu; ++k) {
      int pick = -1;
      for (std::size_t g = 0; g < work_.size(); ++g)
        if (work_[g] >= r.gpu_milli && free[g] == work_[g] && (pick < 0 || work_[g] < work_[static_cast<std::size_t>(pick)]))
          pick = static_cast<int>(g);
      if (pick < 0) break;  // cannot happen for a node that fits
      work_[static_cast<std::size_t>(pick)] -= r.gpu_milli;
      if (picks) picks->push_back({pick, r.gpu_milli});
      ++found;
    }
    return found;
  }

  TieBreak tb_;
  std::shared_ptr<const FragTarget> target_;
  int nodes_ = -1;
  std::size_t shape_cap_ = 16;
  std::unordered_map<RequestShape, int, RequestShapeHash> shapes_;
  std::vector<Entry> cache_;     // nodes_ x shape_cap_
  std::vector<Entry> before_;    // stamp of before_f_
  std::vector<double> before_f_; // F_n at that stamp
  std::vector<std::int32_t> work_;
  std::vector<std::pair<std::int32_t, std::int32_t>> seen_;
};

} // namespace

std::unique_ptr<PlacementPolicy> make_fgd(const ParamReader& p) {
  return std::make_unique<Fgd>(TieBreak::from_params(p), p.context().frag_target);
}

} // namespace fleetsim::policies
