// Where reduce writes, at np 1, 2 and 3: the results live in <name>.reduce.h5 and are read through
// the extraction file's /reduce link; a reduce that stops before committing leaves the extracted
// data and the previous results byte-identical; results of an earlier extraction are refused.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "extract_fixture.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/extract/extractor.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/pca_job.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "reduce_session.hpp"

namespace polyrep {
namespace {
namespace fs = std::filesystem;

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ResultsFile, InterruptedReduceLeavesEverythingIntactAndStaleResultsAreRefused) {
  static const mpi::Comm world = mpi::Comm::world();
  const fs::path dir = test::scratch_dir("results-file", world);
  auto options = test::small_extract_options("tiny-bert", dir / "reps.h5");
  extract::run_extract(options, world);
  EXPECT_THROW(reduce::open_results(options.out), InputError);  // not reduced yet
  test::reduce_session(options.out, world, [&](reduce::ReduceFiles& f) { return reduce::run_pca_job(f, world, {4, 64}); });
  ASSERT_TRUE(fs::exists(dir / "reps.reduce.h5"));
  EXPECT_EQ(test::dataset_dims(options.out, "/reduce/pca/tokens/projection")[2], 4u);  // through the link
  if (world.is_root()) {
    h5::File r = h5::File::open(dir / "reps.reduce.h5", false);
    EXPECT_EQ(h5::get_attr_int(r.id(), "schema_version"), 1);
  }
  world.barrier();
  const std::string extraction = file_bytes(options.out), results = file_bytes(dir / "reps.reduce.h5");
  world.barrier();
  {
    // A second run that dies before commit_reduce_files (the files just go out of scope).
    reduce::ReduceFiles files = reduce::open_reduce_files(options.out, world);
    reduce::run_pca_job(files, world, {7, 64});
  }
  world.barrier();
  EXPECT_EQ(file_bytes(options.out), extraction);
  EXPECT_EQ(file_bytes(dir / "reps.reduce.h5"), results);
  if (world.is_root()) EXPECT_NO_THROW(reduce::open_results(options.out).close());
  world.barrier();
  // A new extraction to the same name makes the old results stale.
  options.overwrite = true;
  options.seed += 1;
  extract::run_extract(options, world);
  if (world.is_root()) EXPECT_THROW(reduce::open_results(options.out), InputError);
  world.barrier();
}

}  // namespace
}  // namespace polyrep
