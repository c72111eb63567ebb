// libFuzzer target: read_reference on arbitrary bytes as an .h5ad file (labels from obs/cell_type), and
// read_expression_table on the same file (the .h5ad bulk path).
#include "fuzz_common.h"
#include "io/reference.h"
#include "io/tables.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = blue::fuzz::temp_path("input.h5ad");
  blue::fuzz::write_file(path, data, size);
  blue::ReferenceOptions options;
  options.path = path;
  options.label_key = "cell_type";
  blue::fuzz::run_reader([&] { (void)blue::read_reference(options); });
  blue::fuzz::run_reader([&] { (void)blue::read_expression_table(path, "bulk"); });
  return 0;
}
