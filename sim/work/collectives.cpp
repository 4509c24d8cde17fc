// Collective communication as arithmetic (see collectives.hpp).
#include "sim/work/collectives.hpp"

namespace fleetsim {

double ring_allreduce_flow_bytes(std::int64_t steps, int gpus, double bytes) {
  if (gpus < 2) return 0;
  // Ring all-reduce: each GPU sends 2(k-1)/k of the buffer to its successor per step.
  const int k = gpus;
  return static_cast<double>(steps) * 2.0 * (k - 1) / k * bytes;
}

} // namespace fleetsim
