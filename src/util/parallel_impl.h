#pragma once
#include <exception>
#include <mutex>

namespace blue {

template <typename Body>
void parallel_for(std::ptrdiff_t n, Body&& body) {
  std::exception_ptr first;
  std::mutex mutex;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads())
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    try {
      body(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
}

}  // namespace blue
