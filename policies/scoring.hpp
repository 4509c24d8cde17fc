#pragma once
// Shared pieces of the node-scoring placement policies (the FGD paper's six and their kin):
// tie-breaking between equal integer scores, the highest-scoring feasible node, and the GPU
// choices of the paper's simulator.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "policies/best_node.hpp"
#include "sim/sched/placement_policy.hpp"
#include "sim/model/cluster.hpp"
#include "sim/measure/fragmentation.hpp"
#include "sim/common/rng.hpp"

namespace fleetsim::policies {

class ParamReader;

/// @brief An independent seed for a named stream of `seed`, so that a policy's draws do not
/// correlate with those of the workload sampler seeded by the same scenario seed.
std::uint64_t stream_seed(std::uint64_t seed, std::string_view stream);

/// @brief Order among nodes with equal scores: lower rank wins. `index`: the node index.
/// `random`: a permutation drawn from the seed, like the paper's simulator, which prefixes
/// node names with a per-seed random number and prefers the smallest name.
class TieBreak {
public:
  enum class Mode { index, random };
  TieBreak(Mode mode, std::uint64_t seed) : mode_(mode), seed_(stream_seed(seed, "tie_break")) {}
  /// @brief Reads params.tie_break ("random" by default, or "index").
  static TieBreak from_params(const ParamReader& p);
  /// @brief Sizes the ranks for a cluster of `num_nodes` (redrawn only when it changes).
  void prepare(int num_nodes);
  std::uint32_t rank(int n) const { return rank_[static_cast<std::size_t>(n)]; }
  Mode mode() const { return mode_; }

private:
  Mode mode_;
  std::uint64_t seed_;
  std::vector<std::uint32_t> rank_;
};

/// @brief The feasible node with the highest integer `score(n)`, ties to the lowest TieBreak
/// rank; -1 when no node fits `req` (policies/best_node.hpp).
template <class Score>
int best_node(const ClusterState& c, const Request& req, const TieBreak& tb, Score&& score) {
  return best_node(c, req, Prefer::highest, [&](int n) -> std::int64_t { return score(n); },
                   [&](int n) { return tb.rank(n); });
}

/// @brief The paper's normalisation constants, generalised: the largest node's CPU, GPU milli
/// (GPU count x 1000) and memory in the cluster. For Alibaba v2023 they are exactly the
/// simulator's MaxSpecCpu = 128000 and MaxSpecGpu = 8000.
struct MaxSpec {
  double cpu_milli = 1, gpu_milli = 1, memory_mib = 1;
  static MaxSpec of(const ClusterState& c);
};

/// @brief True for a request that shares one GPU (num_gpu = 1, gpu_milli < 1000).
inline bool is_sharing(const Request& r) { return r.num_gpu == 1 && r.gpu_milli < 1000; }

} // namespace fleetsim::policies
