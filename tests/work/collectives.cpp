// Collective arithmetic: bytes per flow of a ring all-reduce, by hand.
#include <doctest/doctest.h>

#include "sim/work/collectives.hpp"

using namespace fleetsim;

TEST_CASE("a ring all-reduce sends steps * 2(k-1)/k of the buffer per GPU") {
  CHECK(ring_allreduce_flow_bytes(1, 2, 1000.0) == 1000.0);       // 2 * 1/2
  CHECK(ring_allreduce_flow_bytes(1, 4, 1000.0) == 1500.0);       // 2 * 3/4
  CHECK(ring_allreduce_flow_bytes(10, 8, 8e6) == 10 * 14e6);      // 2 * 7/8 * 8e6 = 14e6 per step
  CHECK(ring_allreduce_flow_bytes(3, 3, 300.0) == doctest::Approx(3 * 400.0));
  CHECK(ring_allreduce_flow_bytes(0, 4, 1000.0) == 0.0);
}

TEST_CASE("fewer than two GPUs exchange nothing") {
  CHECK(ring_allreduce_flow_bytes(5, 1, 1000.0) == 0.0);
  CHECK(ring_allreduce_flow_bytes(5, 0, 1000.0) == 0.0);
}

TEST_CASE("the arithmetic keeps the engine's order of operations") {
  // The engine casts this to whole bytes per SimGrid transfer; the order of operations is part
  // of the committed outputs.
  const double bytes = 123456789.0;
  const std::int64_t steps = 777;
  const int k = 7;
  CHECK(ring_allreduce_flow_bytes(steps, k, bytes) == static_cast<double>(steps) * 2.0 * (k - 1) / k * bytes);
}
