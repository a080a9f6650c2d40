// polyrep reduce --pca on a real extraction file, at np 1, 2 and 3: the stored projection equals a
// single-process PCA of the whole layer, a re-run replaces it, and the extracted data is untouched.
#include <gtest/gtest.h>

#include "extract_fixture.hpp"
#include "polyrep/extract/extractor.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/moments.hpp"
#include "polyrep/reduce/pca.hpp"
#include "polyrep/reduce/pca_job.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "reduce_session.hpp"

namespace polyrep::test {
namespace {
namespace fs = std::filesystem;

TEST(PcaJob, ProjectionMatchesASingleProcessPcaAndRerunReplacesIt) {
  static const mpi::Comm world = mpi::Comm::world();
  const fs::path dir = scratch_dir("pca-job", world);
  auto options = small_extract_options("tiny-xlmr", dir / "reps.h5");
  options.dtype = extract::StorageType::float16;
  extract::run_extract(options, world);
  const std::string hidden_before = world.is_root() ? dataset_bytes(options.out, "/hidden/tokens") : "";

  reduce::PcaJobOptions pca;
  pca.components = 5;
  pca.chunk_rows = 37;  // several uneven rounds per rank
  const auto pca_job = [&](reduce::ReduceFiles& files) { return reduce::run_pca_job(files, world, pca); };
  test::reduce_session(options.out, world, pca_job);
  pca.components = 8;   // the re-run must replace the 5-component results
  const auto summary = test::reduce_session(options.out, world, pca_job);
  EXPECT_TRUE(summary.all_writes_collective);
  EXPECT_EQ(summary.components, 8);
  if (world.is_root()) {
    EXPECT_EQ(dataset_bytes(options.out, "/hidden/tokens"), hidden_before);
    const auto dims = dataset_dims(options.out, "/hidden/tokens");  // [3, N, 64]
    const auto n = static_cast<Eigen::Index>(dims[1]), h = static_cast<Eigen::Index>(dims[2]);
    const auto all = dataset_floats(options.out, "/hidden/tokens");
    const auto projection = dataset_floats(options.out, "/reduce/pca/tokens/projection");
    ASSERT_EQ(dataset_dims(options.out, "/reduce/pca/tokens/projection"),
              (std::vector<std::uint64_t>{dims[0], dims[1], 8}));
    const auto ratio = dataset_floats(options.out, "/reduce/pca/tokens/explained_variance_ratio");
    for (std::uint64_t layer = 0; layer < dims[0]; ++layer) {
      Eigen::Map<const reduce::RowMatrixXf> rows(all.data() + layer * n * h, n, h);
      const auto model = reduce::fit(reduce::Moments::of(rows), reduce::PcaOptions{8});
      const reduce::RowMatrixXf expected = reduce::project(model, rows);
      Eigen::Map<const reduce::RowMatrixXf> stored(projection.data() + layer * n * 8, n, 8);
      EXPECT_LT((stored - expected).cwiseAbs().maxCoeff(), 1e-3 * expected.cwiseAbs().maxCoeff()) << layer;
      for (int c = 0; c < 8; ++c) {
        EXPECT_NEAR(ratio[layer * 8 + c], model.explained_variance_ratio(c), 1e-6) << layer;
      }
    }
    EXPECT_EQ(dataset_dims(options.out, "/reduce/pca/sentences/projection")[1], 24u);
  }
  world.barrier();
}

}  // namespace
}  // namespace polyrep::test
