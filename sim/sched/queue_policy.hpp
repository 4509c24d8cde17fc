#pragma once
// Queue policies: the order in which pending jobs are offered to placement, and whether a
// job that does not fit blocks the ones behind it (strict head of line) or is skipped.
#include <string_view>

#include "sim/model/job.hpp"

namespace fleetsim::policies {

class QueuePolicy {
public:
  virtual ~QueuePolicy() = default;
  virtual std::string_view name() const = 0;
  /// @brief Strict weak order: true when `a` is offered before `b`. Ties fall back to trace
  /// order (the scheduler's job index), so it need not be total.
  virtual bool before(const Job& a, const Job& b) const = 0;
  /// @brief True when the first job that does not fit stops the pass (no backfilling).
  virtual bool blocking() const = 0;
};

} // namespace fleetsim::policies
