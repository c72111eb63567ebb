// Special functions for survival statistics: regularized incomplete gamma, chi-square and normal tails,
// normal quantile. Written here (no Boost); accurate to ~1e-14 relative, tested against R.
#pragma once

namespace blue::survival {

// Regularized lower and upper incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x); a > 0, x >= 0.
// Each is computed directly on the side where it is small, so tiny tail probabilities keep full precision.
double gamma_p(double a, double x);
double gamma_q(double a, double x);

// Upper tail of the chi-square distribution with `df` degrees of freedom: P(X > x) (R: pchisq(x, df, lower=F)).
double chisq_sf(double x, double df);

// Standard normal distribution function and its upper tail (R: pnorm(x), pnorm(x, lower=F)).
double normal_cdf(double x);
double normal_sf(double x);

// Standard normal quantile, 0 < p < 1 (R: qnorm(p)); Wichura's AS 241 (PPND16).
double normal_quantile(double p);

}  // namespace blue::survival
