// libFuzzer target: read_expression_table on arbitrary bytes as a .tsv file (plain or gzip: the reader
// detects gzip from the content), plus read_sample_table and read_gene_list on the same bytes.
#include "fuzz_common.h"
#include "io/tables.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string tsv = blue::fuzz::temp_path("input.tsv");
  static const std::string csv = blue::fuzz::temp_path("input.csv");
  // The first byte picks the extension, so that both delimiters are exercised from the name.
  const std::string& path = (size > 0 && (data[0] & 1)) ? csv : tsv;
  blue::fuzz::write_file(path, data, size);
  blue::fuzz::run_reader([&] { (void)blue::read_expression_table(path, "bulk"); });
  blue::fuzz::run_reader([&] { (void)blue::read_sample_table(path, "truth"); });
  blue::fuzz::run_reader([&] { (void)blue::read_gene_list(path); });
  return 0;
}
