#include "model/runtime.h"

#include <torch/torch.h>

namespace blue::model {

std::string torch_version() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

bool cuda_available() { return torch::cuda::is_available(); }

void set_torch_threads(int n) { torch::set_num_threads(n > 0 ? n : 1); }

}  // namespace blue::model
