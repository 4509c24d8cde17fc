// Busy-time accounting (see busy.hpp).
#include "sim/measure/busy.hpp"

namespace fleetsim {

void BusyAccounting::start(int j, const JobRecord& r, double now) {
  std::int64_t m = r.alloc.total_gpu_milli();
  if (!r.parts.empty()) {
    m = 0;
    for (const auto& a : r.parts) m += a.total_gpu_milli();
  }
  if (m == 0) return;
  if (busy_of_.size() < jobs_) busy_of_.resize(jobs_, 0);
  busy_of_[static_cast<std::size_t>(j)] = m;
  util_.add_busy(j, m, now);
}

void BusyAccounting::stop(int j, double now) {
  if (static_cast<std::size_t>(j) >= busy_of_.size() || busy_of_[static_cast<std::size_t>(j)] == 0) return;
  util_.add_busy(j, -busy_of_[static_cast<std::size_t>(j)], now);
  busy_of_[static_cast<std::size_t>(j)] = 0;
}

} // namespace fleetsim
