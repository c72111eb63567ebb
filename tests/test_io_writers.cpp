// Writers: TSV tables and .h5ad round trips (through read_dense_h5ad and through Python's anndata).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>

#include "io/h5ad.h"
#include "io/tables.h"
#include "io_test_util.h"
#include "util/error.h"
#include "util/output.h"

using namespace blue;
using blue::test::TempDir;

namespace {

DenseAnnData example(int n_obs, int n_var) {
  DenseAnnData a;
  for (int i = 0; i < n_obs; ++i) a.obs_names.push_back("sample_" + std::to_string(i));
  for (int j = 0; j < n_var; ++j) a.var_names.push_back(j == 0 ? "CD4+ T/µ" : "G" + std::to_string(j));
  a.X.resize(n_obs, n_var);
  MatrixF counts(n_obs, n_var);
  for (int i = 0; i < n_obs; ++i)
    for (int j = 0; j < n_var; ++j) {
      a.X(i, j) = static_cast<float>((i * 31 + j * 17) % 97) / 7.0f;
      counts(i, j) = static_cast<float>((i + j) % 5);
    }
  a.layers["counts"] = counts;
  MatrixF props(n_obs, 2);
  for (int i = 0; i < n_obs; ++i) props.row(i) << 0.25f + 0.001f * i, 0.75f - 0.001f * i;
  a.obsm["proportions"] = props;
  a.uns_strings["proportions_columns"] = {"B cells", "T cells"};
  return a;
}

std::string write(const TempDir& dir, const std::string& name, const DenseAnnData& a) {
  StagedOutputs out(false);
  write_h5ad(out, dir.file(name), a);
  out.commit();
  return dir.file(name);
}

bool python_has_anndata() { return std::system("/usr/bin/python3 -c 'import anndata' >/dev/null 2>&1") == 0; }

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return output;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0) << command;
  return output;
}

}  // namespace

TEST(IoWriters, H5adRoundTripThroughReadDense) {
  TempDir dir;
  for (auto [n_obs, n_var] : {std::pair{3, 4}, std::pair{300, 500}}) {  // the larger one is chunked + gzip
    DenseAnnData a = example(n_obs, n_var);
    DenseAnnData b = read_dense_h5ad(write(dir, "x" + std::to_string(n_obs) + ".h5ad", a));
    EXPECT_EQ(b.obs_names, a.obs_names);
    EXPECT_EQ(b.var_names, a.var_names);
    EXPECT_EQ(b.X, a.X);
    ASSERT_EQ(b.layers.size(), 1u);
    EXPECT_EQ(b.layers["counts"], a.layers["counts"]);
    ASSERT_EQ(b.obsm.size(), 1u);
    EXPECT_EQ(b.obsm["proportions"], a.obsm["proportions"]);
    EXPECT_EQ(b.uns_strings, a.uns_strings);
  }
}

TEST(IoWriters, H5adOpensInPythonAnndata) {
  if (!python_has_anndata()) GTEST_SKIP() << "/usr/bin/python3 cannot import anndata";
  TempDir dir;
  DenseAnnData a = example(5, 7);
  std::string path = write(dir, "check.h5ad", a);
  auto j = nlohmann::json::parse(run("/usr/bin/python3 " + std::string(BLUE_FIXTURES) + "/h5ad/check_anndata.py " +
                                     path));
  EXPECT_EQ(j["shape"], (std::vector<int>{5, 7}));
  EXPECT_EQ(j["x_dtype"], "float32");
  EXPECT_EQ(j["obs_names"].get<std::vector<std::string>>(), a.obs_names);
  EXPECT_EQ(j["var_names"].get<std::vector<std::string>>(), a.var_names);
  for (int i = 0; i < 5; ++i)
    for (int k = 0; k < 7; ++k) {
      EXPECT_FLOAT_EQ(j["X"][i][k].get<float>(), a.X(i, k));
      EXPECT_FLOAT_EQ(j["layers"]["counts"][i][k].get<float>(), a.layers["counts"](i, k));
    }
  EXPECT_FLOAT_EQ(j["obsm"]["proportions"][4][1].get<float>(), a.obsm["proportions"](4, 1));
  EXPECT_EQ(j["uns"]["proportions_columns"].get<std::vector<std::string>>(), a.uns_strings["proportions_columns"]);
}

TEST(IoWriters, FailedH5adWriteLeavesNothing) {
  TempDir dir;
  {
    StagedOutputs out(false);
    write_h5ad(out, dir.file("never.h5ad"), example(2, 2));
  }  // not committed
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(IoWriters, TsvTablesRoundTripExactly) {
  TempDir dir;
  ExpressionTable e;
  e.genes = {"A", "B", "C"};
  e.columns = {"s1", "s2"};
  e.values.resize(3, 2);
  e.values << 1.0 / 3.0, 2e-300, 12345678.901234567, 0.0, 1e20, 0.1 + 0.2;
  SampleTable s;
  s.samples = {"s1", "s2"};
  s.columns = {"B", "T"};
  s.values.resize(2, 2);
  s.values << 0.123456789012345, 0.876543210987655, 1.0, 0.0;
  StagedOutputs out(false);
  write_expression_table(out, dir.file("e.tsv"), e);
  write_sample_table(out, dir.file("p.tsv"), s);
  out.commit();
  ExpressionTable e2 = read_expression_table(dir.file("e.tsv"), "signature");
  SampleTable s2 = read_sample_table(dir.file("p.tsv"), "proportions");
  EXPECT_EQ(e2.genes, e.genes);
  EXPECT_EQ(e2.columns, e.columns);
  EXPECT_EQ(e2.values, e.values);  // shortest round-trip formatting: bit-exact
  EXPECT_EQ(s2.samples, s.samples);
  EXPECT_EQ(s2.columns, s.columns);
  EXPECT_EQ(s2.values, s.values);
}
