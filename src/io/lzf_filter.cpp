// The LZF format (from liblzf by Marc Lehmann, BSD-2): a stream of control bytes, each either a literal
// run (ctrl < 32: copy ctrl + 1 bytes) or a back reference (length ctrl >> 5, + next byte when 7; offset
// from the low 5 bits and the next byte). h5py's filter stores the uncompressed chunk size in cd_values[2].
#include "io/lzf_filter.h"

#include <hdf5.h>

#include <cstdlib>
#include <cstring>

namespace blue::h5 {

std::size_t lzf_decompress(const unsigned char* in, std::size_t in_size, unsigned char* out, std::size_t out_size,
                           bool* too_small) {
  const unsigned char* ip = in;
  const unsigned char* in_end = in + in_size;
  unsigned char* op = out;
  unsigned char* out_end = out + out_size;
  *too_small = false;
  while (ip < in_end) {
    unsigned ctrl = *ip++;
    if (ctrl < (1u << 5)) {
      std::size_t len = ctrl + 1;
      if (op + len > out_end) return *too_small = true, 0;
      if (ip + len > in_end) return 0;
      std::memcpy(op, ip, len);
      op += len;
      ip += len;
      continue;
    }
    std::size_t len = ctrl >> 5;
    std::size_t offset = static_cast<std::size_t>(ctrl & 0x1f) << 8;
    if (ip >= in_end) return 0;
    if (len == 7) {
      len += *ip++;
      if (ip >= in_end) return 0;
    }
    offset += *ip++ + 1;
    len += 2;
    if (op + len > out_end) return *too_small = true, 0;
    if (offset > static_cast<std::size_t>(op - out)) return 0;
    const unsigned char* ref = op - offset;
    for (std::size_t i = 0; i < len; ++i) *op++ = *ref++;  // may overlap: byte by byte
  }
  return static_cast<std::size_t>(op - out);
}

namespace {

size_t lzf_filter(unsigned flags, size_t cd_nelmts, const unsigned cd_values[], size_t nbytes, size_t* buf_size,
                  void** buf) {
  if (!(flags & H5Z_FLAG_REVERSE)) return 0;  // decoding only
  std::size_t out_size = (cd_nelmts >= 3 && cd_values[2] != 0) ? cd_values[2] : *buf_size;
  for (int attempt = 0; attempt < 32; ++attempt) {
    auto* out = static_cast<unsigned char*>(std::malloc(out_size));
    if (!out) return 0;
    bool too_small = false;
    std::size_t n = lzf_decompress(static_cast<const unsigned char*>(*buf), nbytes, out, out_size, &too_small);
    if (n > 0) {
      std::free(*buf);
      *buf = out;
      *buf_size = out_size;
      return n;
    }
    std::free(out);
    if (!too_small) return 0;
    out_size *= 2;
  }
  return 0;
}

const H5Z_class2_t kLzfClass = {
    H5Z_CLASS_T_VERS, static_cast<H5Z_filter_t>(kLzfFilterId), 0, 1, "lzf (blue decoder)", nullptr, nullptr,
    lzf_filter};

}  // namespace

bool register_lzf_filter() {
  if (H5Zfilter_avail(kLzfFilterId) > 0) return true;
  return H5Zregister(&kLzfClass) >= 0 && H5Zfilter_avail(kLzfFilterId) > 0;
}

}  // namespace blue::h5
