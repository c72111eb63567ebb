#include "util/parallel.h"

#include <omp.h>

namespace blue {
namespace {
int g_threads = 1;
}

void set_threads(int n) {
  g_threads = n < 1 ? 1 : n;
  omp_set_num_threads(g_threads);
}

int threads() { return g_threads; }

}  // namespace blue
