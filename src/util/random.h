// Seeded random numbers whose streams do not depend on the thread count or the standard library:
// xoshiro256** seeded through splitmix64, with our own uniform, normal, gamma and Dirichlet samplers.
// Give every independent unit of work (a simulated sample, a restart) its own stream:
//   Rng rng(seed, stream_id);
#pragma once
#include <cstdint>
#include <vector>

namespace blue {

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream = 0);

  std::uint64_t next();                  // 64 random bits
  double uniform();                      // [0, 1)
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n), unbiased; n > 0
  double normal();                       // standard normal
  double gamma(double shape);            // Gamma(shape, 1), shape > 0 (Marsaglia-Tsang)

 private:
  std::uint64_t s_[4];
};

// A draw from Dirichlet(alpha).
std::vector<double> dirichlet(Rng& rng, const std::vector<double>& alpha);

// Fisher-Yates shuffle of v with rng.
template <typename T>
void shuffle(Rng& rng, std::vector<T>& v) {
  for (std::size_t i = v.size(); i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(rng.below(i));
    std::swap(v[i - 1], v[j]);
  }
}

}  // namespace blue
