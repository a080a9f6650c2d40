// Whole extractions under MPI (run at np 1, 2 and 3): the file does not depend on the rank count,
// every write is collective, ranks without work still finish, and failures are agreed on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "extract_fixture.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/extract/extractor.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::test {
namespace {
namespace fs = std::filesystem;

const mpi::Comm& world() {
  static const mpi::Comm comm = mpi::Comm::world();
  return comm;
}

std::vector<std::int64_t> threads_attr(const fs::path& file) {
  h5::File f = h5::File::open(file, false);
  return h5::get_attr_int_vector(f.id(), "threads_per_rank");
}

// With the default --threads, a run on all ranks and a single-rank run in the same process
// (Comm::self()) must choose the same threads per rank: the
// default comes from the process's placement, detected once over MPI_COMM_WORLD, not from the
// communicator a run happens to use. Then every dataset is byte-identical.
TEST(MpiExtract, FileIsByteIdenticalToASingleRankRunAtEqualThreads) {
  const fs::path dir = scratch_dir("identical", world());
  auto options = small_extract_options("tiny-bert", dir / "all-ranks.h5");
  options.pooling = "mean,cls,max";
  options.overlap = extract::Overlap::on;  // written one window behind the compute, on a second thread
  const auto summary = extract::run_extract(options, world());
  EXPECT_TRUE(summary.all_writes_collective);
  EXPECT_EQ(summary.sentences, 24);
  if (world().is_root()) {
    auto single = options;
    single.out = dir / "one-rank.h5";
    single.overlap = extract::Overlap::off;
    extract::run_extract(single, mpi::Comm::self());
    const auto threads = threads_attr(options.out);
    ASSERT_EQ(threads.size(), static_cast<std::size_t>(world().size()));
    for (std::int64_t t : threads) EXPECT_EQ(t, threads_attr(single.out).at(0));
    const auto paths = dataset_paths(options.out);
    EXPECT_EQ(paths, dataset_paths(single.out));
    EXPECT_GE(paths.size(), 15u);
    for (const std::string& path : paths) {
      EXPECT_EQ(dataset_bytes(options.out, path), dataset_bytes(single.out, path)) << path;
    }
  }
  world().barrier();
}

// At other thread counts BLAS sums in another order: the hidden states may differ in the last
// bits (within 1e-5), everything else is identical, and the file says which threads were used.
TEST(MpiExtract, OtherThreadCountsDifferOnlyInRounding) {
  const fs::path dir = scratch_dir("threads", world());
  auto options = small_extract_options("tiny-xlmr", dir / "one-thread.h5");
  options.threads = 1;
  extract::run_extract(options, world());
  if (world().is_root()) {
    auto two = options;
    two.out = dir / "two-threads.h5";
    two.threads = 2;
    extract::run_extract(two, mpi::Comm::self());
    EXPECT_EQ(threads_attr(options.out), std::vector<std::int64_t>(static_cast<std::size_t>(world().size()), 1));
    EXPECT_EQ(threads_attr(two.out), std::vector<std::int64_t>{2});
    for (const std::string& path : dataset_paths(options.out)) {
      if (path.rfind("/hidden/", 0) != 0 || path == "/hidden/layers") {
        EXPECT_EQ(dataset_bytes(options.out, path), dataset_bytes(two.out, path)) << path;
        continue;
      }
      const std::vector<float> a = dataset_floats(options.out, path), b = dataset_floats(two.out, path);
      ASSERT_EQ(a.size(), b.size()) << path;
      float worst = 0;
      for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
      EXPECT_LE(worst, 1e-5f) << path;
    }
  }
  world().barrier();
}

TEST(MpiExtract, EveryRankWritesCollectivelyAndTheFileIsComplete) {
  const fs::path dir = scratch_dir("collective", world());
  auto options = small_extract_options("tiny-xlmr", dir / "out.h5");
  options.dtype = extract::StorageType::float16;
  options.layers = "0,-1";
  const auto summary = extract::run_extract(options, world());
  EXPECT_TRUE(summary.all_writes_collective);
  EXPECT_GT(summary.bytes_written, 0);
  EXPECT_FALSE(fs::exists(options.out.string() + ".partial"));
  if (world().is_root()) {
    h5::File f = h5::File::open(options.out, false);
    EXPECT_EQ(h5::get_attr_int(f.id(), "complete"), 1);
    EXPECT_EQ(h5::get_attr_int(f.id(), "schema_version"), 1);
    const auto dims = dataset_dims(options.out, "/hidden/tokens");
    ASSERT_EQ(dims.size(), 3u);
    EXPECT_EQ(dims[0], 2u);
    EXPECT_EQ(dims[1], static_cast<std::uint64_t>(summary.tokens));
    EXPECT_EQ(dims[2], 64u);
    EXPECT_EQ(dataset_ints(options.out, "/hidden/layers"), (std::vector<std::int64_t>{0, 2}));
  }
  world().barrier();
}

TEST(MpiExtract, RanksWithoutWorkStillComplete) {
  const fs::path dir = scratch_dir("idle", world());
  auto options = small_extract_options("tiny-xglm", dir / "out.h5");
  options.corpus.languages = {"deu_Latn"};
  options.sample = 2;
  options.plan.window_sentences = 64;  // one window: ranks 1.. have nothing to do
  options.overlap = extract::Overlap::on;  // empty rounds go through the writer thread too
  const auto summary = extract::run_extract(options, world());
  EXPECT_EQ(summary.ranks_without_work, world().size() - 1);
  EXPECT_TRUE(summary.all_writes_collective);
  if (world().is_root()) {
    EXPECT_EQ(dataset_strings(options.out, "/languages"), (std::vector<std::string>{"deu_Latn"}));
    EXPECT_EQ(dataset_dims(options.out, "/sentences/text")[0], 2u);
  }
  world().barrier();
}

TEST(MpiExtract, BadInputThrowsTheSameErrorOnEveryRankAndWritesNothing) {
  const fs::path dir = scratch_dir("bad", world());
  auto options = small_extract_options("tiny-bert", dir / "out.h5");
  options.corpus.languages = {"eng_Latn", "xxx_Latn"};
  try {
    extract::run_extract(options, world());
    FAIL() << "no error";
  } catch (const CollectiveError& e) {
    EXPECT_NE(std::string(e.what()).find("xxx_Latn"), std::string::npos) << e.what();
  }
  options.corpus.languages = {"eng_Latn"};
  options.sample = 41;
  EXPECT_THROW(extract::run_extract(options, world()), CollectiveError);
  world().barrier();
  EXPECT_FALSE(fs::exists(options.out));
  EXPECT_FALSE(fs::exists(options.out.string() + ".partial"));
}

TEST(MpiExtract, ExistingOutputIsKeptWithoutOverwrite) {
  const fs::path dir = scratch_dir("keep", world());
  auto options = small_extract_options("tiny-bert", dir / "out.h5");
  options.sample = 2;
  extract::run_extract(options, world());
  const auto before = fs::last_write_time(options.out);
  EXPECT_THROW(extract::run_extract(options, world()), CollectiveError);
  EXPECT_EQ(fs::last_write_time(options.out), before);
  options.overwrite = true;
  options.sample = 3;
  const auto summary = extract::run_extract(options, world());
  EXPECT_EQ(summary.sentences, 12);
  world().barrier();
}

TEST(MpiExtract, LongSentencesAreTruncatedKeepingTheTemplate) {
  const fs::path dir = scratch_dir("truncate", world());
  auto options = small_extract_options("tiny-bert", dir / "out.h5");
  options.max_tokens = 8;
  const auto summary = extract::run_extract(options, world());
  EXPECT_EQ(summary.truncated, summary.sentences);  // every Flores sentence is longer than 8 pieces
  EXPECT_EQ(summary.tokens, 8 * summary.sentences);
  if (world().is_root()) {
    const auto truncated = dataset_ints(options.out, "/tokens/id");
    const auto flags = dataset_ints(options.out, "/sentences/truncated");
    EXPECT_EQ(flags, std::vector<std::int64_t>(flags.size(), 1));
    EXPECT_EQ(truncated.front(), 2);  // [CLS]
    EXPECT_EQ(truncated[7], 3);       // [SEP] kept at the cut
  }
  world().barrier();
}

}  // namespace
}  // namespace polyrep::test
