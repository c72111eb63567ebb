// What the torch runtime offers, without exposing torch headers to the caller.
#pragma once
#include <string>

namespace blue::model {

std::string torch_version();  // e.g. "1.13.1"
bool cuda_available();
// Sets torch's intra-op thread count (from --threads).
void set_torch_threads(int n);

}  // namespace blue::model
