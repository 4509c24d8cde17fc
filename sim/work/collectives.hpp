#pragma once
// Collective communication as arithmetic: how many bytes each GPU of a job sends when its GPUs
// all-reduce a buffer over a ring. Plain C++, no SimGrid: the engine (sim/engine/communication)
// turns these bytes into SimGrid transfers over the links the GPUs use.
#include <cstdint>

namespace fleetsim {

/// @brief Bytes each of `gpus` GPUs sends to its ring successor over `steps` ring all-reduces of
/// `bytes` each: steps * 2(gpus-1)/gpus * bytes (reduce-scatter, then all-gather, each moving
/// (gpus-1)/gpus of the buffer). 0 for fewer than two GPUs (nothing to exchange).
double ring_allreduce_flow_bytes(std::int64_t steps, int gpus, double bytes);

} // namespace fleetsim
