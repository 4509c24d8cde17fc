#include "sim/study/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace fleetsim::stats {
namespace {

/// Continued fraction of the regularized incomplete beta function (modified Lentz).
double beta_cf(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    d = std::fabs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    d = std::fabs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < eps) break;
  }
  return h;
}

/// Regularized incomplete beta I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_cf(a, b, x) / a;
  return 1 - front * beta_cf(b, a, 1 - x) / b;
}

}  // namespace

double student_t_cdf(double t, double df) {
  if (!(df > 0)) throw std::invalid_argument("student_t_cdf: df must be positive");
  const double tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1) || !(df > 0)) throw std::invalid_argument("student_t_quantile: need 0 < p < 1 and df > 0");
  if (p == 0.5) return 0;
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, df) < p) hi *= 2;  // df = 1, p = 0.975: hi = 16
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Aggregate aggregate(const std::vector<double>& v) {
  if (v.empty()) throw std::invalid_argument("aggregate: no values");
  Aggregate a;
  a.n = v.size();
  long double sum = 0;
  for (double x : v) sum += x;
  a.mean = static_cast<double>(sum / static_cast<long double>(a.n));
  a.min = *std::min_element(v.begin(), v.end());
  a.max = *std::max_element(v.begin(), v.end());
  if (a.n < 2) {
    a.std_dev = a.ci95_low = a.ci95_high = std::numeric_limits<double>::quiet_NaN();
    return a;
  }
  long double ss = 0;
  for (double x : v) ss += (x - a.mean) * static_cast<long double>(x - a.mean);
  a.std_dev = std::sqrt(static_cast<double>(ss / static_cast<long double>(a.n - 1)));
  const double half = student_t_quantile(0.975, static_cast<double>(a.n - 1)) * a.std_dev / std::sqrt(double(a.n));
  a.ci95_low = a.mean - half;
  a.ci95_high = a.mean + half;
  return a;
}

}  // namespace fleetsim::stats
