#pragma once
// Statistics over replicate runs (a sweep's seeds): mean, sample standard deviation and the 95%
// confidence interval of the mean from Student's t distribution.
#include <cstddef>
#include <vector>

namespace fleetsim::stats {

struct Aggregate {
  std::size_t n = 0;
  double mean = 0, min = 0, max = 0;
  double std_dev = 0;                  ///< sample (n - 1); NaN when n < 2
  double ci95_low = 0, ci95_high = 0;  ///< mean -/+ t(0.975, n-1) s / sqrt(n); NaN when n < 2
};

/// @brief Aggregate of `values` (non-empty).
Aggregate aggregate(const std::vector<double>& values);

/// @brief Student's t cumulative distribution function at `t` with `df` > 0 degrees of freedom.
double student_t_cdf(double t, double df);

/// @brief The `p`-quantile (0 < p < 1) of Student's t with `df` > 0 degrees of freedom,
/// e.g. student_t_quantile(0.975, 9) = 2.2622.
double student_t_quantile(double p, double df);

}  // namespace fleetsim::stats
