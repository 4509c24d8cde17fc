#pragma once
// The one best-node helper of every scoring placement policy: scan the nodes that fit a
// request, keep the best score, break ties by a rank. Policies differ only in their score.
#include <cstdint>
#include <type_traits>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"

namespace fleetsim::policies {

enum class Prefer { highest, lowest };

/// @brief The node that fits `req` (ClusterState::fits) with the best `score(n)` — the highest
/// or the lowest, per `prefer` — ties to the lowest `rank(n)`; -1 when no node fits.
/// `score` returns any ordered type (an integer score, a double leftover).
template <class Score, class Rank>
int best_node(const ClusterState& c, const Request& req, Prefer prefer, Score&& score, Rank&& rank) {
  using S = std::decay_t<std::invoke_result_t<Score&, int>>;
  int best = -1;
  S best_score{};
  std::uint32_t best_rank = 0;
  for (int n = 0; n < c.num_nodes(); ++n) {
    if (!c.fits(n, req)) continue;
    const S s = score(n);
    const auto r = static_cast<std::uint32_t>(rank(n));
    const bool better = prefer == Prefer::highest ? s > best_score : s < best_score;
    const bool equal = !(s < best_score) && !(best_score < s);
    if (best < 0 || better || (equal && r < best_rank)) {
      best = n;
      best_score = s;
      best_rank = r;
    }
  }
  return best;
}

/// @brief best_node with ties to the lowest node index.
template <class Score>
int best_node(const ClusterState& c, const Request& req, Prefer prefer, Score&& score) {
  return best_node(c, req, prefer, score, [](int n) { return n; });
}

} // namespace fleetsim::policies
