// Thread count shared by every parallel loop (OpenMP) of the library; torch's intra-op threads are set
// from the same value by the model code.
#pragma once
#include <cstddef>

namespace blue {

void set_threads(int n);  // n >= 1
int threads();

// Runs body(i) for i in [0, n) on threads(); iterations must be independent. Exceptions thrown by `body`
// are rethrown (the first one) after the loop.
template <typename Body>
void parallel_for(std::ptrdiff_t n, Body&& body);

}  // namespace blue

#include "util/parallel_impl.h"
