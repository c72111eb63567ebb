#include "analysis/survival/special.h"

#include <cmath>
#include <limits>

#include "util/error.h"

namespace blue::survival {
namespace {

constexpr double kEps = 1e-16;
constexpr int kMaxTerms = 100000;

// log(x^a e^-x / Gamma(a)), the common prefactor of both series.
double log_prefactor(double a, double x) { return a * std::log(x) - x - std::lgamma(a); }

// P(a, x) by its power series; converges fast for x < a + 1.
double lower_series(double a, double x) {
  double term = 1.0 / a, sum = term;
  for (int n = 1; n < kMaxTerms; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEps) break;
  }
  return sum * std::exp(log_prefactor(a, x));
}

// Q(a, x) by its continued fraction (modified Lentz); converges fast for x >= a + 1.
double upper_fraction(double a, double x) {
  const double tiny = std::numeric_limits<double>::min() / kEps;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < kMaxTerms; ++i) {
    double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return std::exp(log_prefactor(a, x)) * h;
}

void check_gamma_args(double a, double x) {
  if (!(a > 0.0) || !(x >= 0.0) || std::isnan(x))
    throw InternalError("incomplete gamma needs a > 0 and x >= 0 (got a = " + std::to_string(a) +
                        ", x = " + std::to_string(x) + ")");
}

// Rational approximation of AS 241 for the central and tail regions.
double poly(const double* c, int n, double r) {
  double v = c[n - 1];
  for (int i = n - 2; i >= 0; --i) v = v * r + c[i];
  return v;
}

}  // namespace

double gamma_p(double a, double x) {
  check_gamma_args(a, x);
  if (x == 0.0) return 0.0;
  if (std::isinf(x)) return 1.0;
  return x < a + 1.0 ? lower_series(a, x) : 1.0 - upper_fraction(a, x);
}

double gamma_q(double a, double x) {
  check_gamma_args(a, x);
  if (x == 0.0) return 1.0;
  if (std::isinf(x)) return 0.0;
  return x < a + 1.0 ? 1.0 - lower_series(a, x) : upper_fraction(a, x);
}

double chisq_sf(double x, double df) {
  if (std::isnan(x)) return std::nan("");
  if (x <= 0.0) return 1.0;
  return gamma_q(df / 2.0, x / 2.0);
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double normal_sf(double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); }

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw InternalError("normal_quantile needs 0 < p < 1");
  static const double a[8] = {3.387132872796366608,  133.14166789178437745, 1971.5909503065514427,
                              13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
                              33430.575583588128105, 2509.0809287301226727};
  static const double b[8] = {1.0,
                              42.313330701600911252,
                              687.1870074920579083,
                              5394.1960214247511077,
                              21213.794301586595867,
                              39307.89580009271061,
                              28729.085735721942674,
                              5226.495278852545925};
  static const double c[8] = {1.42343711074968357734,   4.6303378461565452959,   5.7694972214606914055,
                              3.64784832476320460504,   1.27045825245236838258,  0.24178072517745061177,
                              0.0227238449892691845833, 7.7454501427834140764e-4};
  static const double d[8] = {1.0,
                              2.05319162663775882187,
                              1.6763848301838038494,
                              0.68976733498510000455,
                              0.14810397642748007459,
                              0.0151986665636164571966,
                              5.475938084995344946e-4,
                              1.05075007164441684324e-9};
  static const double e[8] = {6.6579046435011037772,     5.4637849111641143699,    1.7848265399172913358,
                              0.29656057182850489123,    0.026532189526576123093,  0.0012426609473880784386,
                              2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static const double f[8] = {1.0,
                              0.59983220655588793769,
                              0.13692988092273580531,
                              0.0148753612908506148525,
                              7.868691311456132591e-4,
                              1.8463183175100546818e-5,
                              1.4215117583164458887e-7,
                              2.04426310338993978564e-15};
  double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    double r = 0.180625 - q * q;
    return q * poly(a, 8, r) / poly(b, 8, r);
  }
  double r = std::sqrt(-std::log(q < 0 ? p : 1.0 - p));
  double v = r <= 5.0 ? poly(c, 8, r - 1.6) / poly(d, 8, r - 1.6) : poly(e, 8, r - 5.0) / poly(f, 8, r - 5.0);
  return q < 0 ? -v : v;
}

}  // namespace blue::survival
