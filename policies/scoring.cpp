// Shared pieces of the node-scoring placement policies.
#include "policies/scoring.hpp"

#include <algorithm>
#include <numeric>

#include "policies/builtin.hpp"

namespace fleetsim::policies {

std::uint64_t stream_seed(std::uint64_t seed, std::string_view stream) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a of the stream name
  for (const char c : stream) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  std::uint64_t z = seed ^ h;  // then one SplitMix64 finaliser round
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

TieBreak TieBreak::from_params(const ParamReader& p) {
  const auto mode = p.get_string("tie_break", "random", {"random", "index"});
  return TieBreak(mode == "index" ? Mode::index : Mode::random, p.seed());
}

void TieBreak::prepare(int num_nodes) {
  if (static_cast<int>(rank_.size()) == num_nodes) return;
  rank_.resize(static_cast<std::size_t>(num_nodes));
  std::iota(rank_.begin(), rank_.end(), 0u);
  if (mode_ == Mode::index) return;
  Rng rng(seed_);  // Fisher-Yates: a uniform permutation of the ranks
  for (std::size_t i = rank_.size(); i > 1; --i) std::swap(rank_[i - 1], rank_[rng.below(i)]);
}

MaxSpec MaxSpec::of(const ClusterState& c) {
  MaxSpec m{static_cast<double>(c.max_node_cpu_milli()), 1000.0 * c.max_node_gpus(),
            static_cast<double>(c.max_node_memory_mib())};
  if (m.cpu_milli <= 0) m.cpu_milli = 1;
  if (m.gpu_milli <= 0) m.gpu_milli = 1;
  if (m.memory_mib <= 0) m.memory_mib = 1;
  return m;
}

} // namespace fleetsim::policies
