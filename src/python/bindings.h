// Shared by the binding files: the model object Python holds, and what every bound function does first.
#pragma once
#include <vector>

#include "model/model_file.h"
#include "python/convert.h"

namespace blue::python {

// A trained model as Python holds it: every member of an ensemble (one for a single network), each with the
// same ModelInfo, as load_model_members returns them.
struct PyModel {
  std::vector<model::LoadedModel> members;
  bool interrupted = false;  // training stopped early by Ctrl-C (the best epoch so far is kept)
  const model::ModelInfo& info() const { return members.front().info; }
};

// With the GIL held, before the computation: the library's log level from the Python logger "blue" (its
// effective level), so that messages it would drop are not even formatted.
void sync_log_level();

// The worker threads of the library and of torch: n, or every core for 0. UsageError when negative.
void apply_threads(int n);

// The bindings of the signature/NNLS baseline and of the evaluation (baseline.cpp).
void register_baseline(py::module_& m);

}  // namespace blue::python
