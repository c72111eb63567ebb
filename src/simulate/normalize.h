// METHOD 2.3: the one normalisation every profile the network sees or predicts goes through.
#pragma once
#include "io/types.h"

namespace blue {

// Each row of `profiles` is one profile already restricted to the panel genes (columns). In place:
// negative values clamped to 0 (one warning with the count), CPM over the panel (row sum -> 1e6), then
// log2(x + 1). NaN or infinite values: InputError naming `what`, the row and the column. An all-zero row
// stays all-zero (warned about).
void normalize_profiles(MatrixF& profiles, const std::string& what);

// The inverse of the log step: 2^x - 1 (normalised log2(CPM+1) back to CPM).
void denormalize_profiles(MatrixF& profiles);

}  // namespace blue
