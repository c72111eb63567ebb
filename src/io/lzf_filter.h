// Decoder for the LZF compression filter (HDF5 filter id 32000) that h5py and anndata can write
// (`compression="lzf"`). Debian's HDF5 does not ship it, so blue registers its own decoder.
#pragma once
#include <cstddef>

namespace blue::h5 {

inline constexpr int kLzfFilterId = 32000;

// Registers the decoder unless an LZF filter is already available (e.g. as an HDF5 plugin).
// Returns true when LZF-compressed datasets can be read.
bool register_lzf_filter();

// Decompresses an LZF block (liblzf format). Returns the decompressed size, or 0 when `out_size` is too
// small (`*too_small` set) or the input is corrupt (`*too_small` cleared).
std::size_t lzf_decompress(const unsigned char* in, std::size_t in_size, unsigned char* out, std::size_t out_size,
                           bool* too_small);

}  // namespace blue::h5
