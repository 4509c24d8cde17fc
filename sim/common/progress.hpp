#pragma once
// A progress bar on stderr for long runs: fraction done, rate, ETA. Silent unless enabled
// (the CLI enables it only when stderr is a terminal and --quiet is not given).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace fleetsim {

class ProgressBar {
public:
  ProgressBar(std::uint64_t total, bool enabled, std::string unit)
      : total_(total), enabled_(enabled), unit_(std::move(unit)), start_(Clock::now()), last_(start_) {}
  ~ProgressBar() { done(); }

  /// @brief Reports `n` of `total` done at simulated time `sim_s`; redraws at most 5 times/s and
  /// only after the first second.
  void update(std::uint64_t n, double sim_s) {
    if (!enabled_ || (++calls_ & 1023) != 0) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(200) || now - start_ < std::chrono::seconds(1)) return;
    last_ = now;
    draw(n, sim_s, now);
  }
  /// @brief Reports `n` of `total` done, for slow loops such as a sweep's runs (no call-count
  /// throttle, no simulated time); still at most 5 redraws/s and only after the first second.
  void tick(std::uint64_t n) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(200) || now - start_ < std::chrono::seconds(1)) return;
    last_ = now;
    draw(n, -1, now);
  }
  /// @brief Clears the bar line.
  void done() {
    if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }

private:
  using Clock = std::chrono::steady_clock;
  void draw(std::uint64_t n, double sim_s, Clock::time_point now) {
    const double el = std::chrono::duration<double>(now - start_).count();
    const double frac = total_ ? double(n) / double(total_) : 0.0;
    const double rate = el > 0 ? double(n) / el : 0;
    const double eta = rate > 0 ? double(total_ - n) / rate : 0;
    const int width = 30, fill = static_cast<int>(frac * width);
    std::string bar(static_cast<std::size_t>(fill), '#');
    bar.resize(width, '.');
    char sim[48] = "";
    if (sim_s >= 0) std::snprintf(sim, sizeof sim, "  sim t=%.0fs", sim_s);
    std::fprintf(stderr, "\r[%s] %5.1f%%  %llu/%llu %s  %.*f/s%s  ETA %.0fs\033[K", bar.c_str(), frac * 100,
                 static_cast<unsigned long long>(n), static_cast<unsigned long long>(total_), unit_.c_str(),
                 rate < 10 ? 1 : 0, rate, sim, eta);
    drawn_ = true;
  }
  std::uint64_t total_;
  bool enabled_;
  std::string unit_;
  Clock::time_point start_, last_;
  std::uint64_t calls_ = 0;
  bool drawn_ = false;
};

} // namespace fleetsim
