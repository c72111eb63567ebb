// libFuzzer target: the 10x Matrix Market reader on arbitrary bytes as matrix.mtx, with fixed
// genes.tsv (5 genes) and barcodes.tsv (4 barcodes) beside it, so that the size checks of read_10x run too.
#include <filesystem>

#include "fuzz_common.h"
#include "io/tenx_reader.h"

namespace {

std::string make_dir() {
  const std::string dir = blue::fuzz::temp_path("10x");
  std::filesystem::create_directories(dir);
  const std::string genes = "G1\tA\nG2\tB\nG3\tC\nG4\tD\nG5\tE\n";
  const std::string barcodes = "c1\nc2\nc3\nc4\n";
  blue::fuzz::write_file(dir + "/genes.tsv", reinterpret_cast<const std::uint8_t*>(genes.data()), genes.size());
  blue::fuzz::write_file(dir + "/barcodes.tsv", reinterpret_cast<const std::uint8_t*>(barcodes.data()),
                         barcodes.size());
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = make_dir();
  const std::string matrix = dir + "/matrix.mtx";
  blue::fuzz::write_file(matrix, data, size);
  blue::fuzz::run_reader([&] { (void)blue::read_10x(blue::locate_10x(dir)); });
  return 0;
}
