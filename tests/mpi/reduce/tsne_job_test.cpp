// polyrep reduce --tsne on a real extraction file, at np 1, 2 and 3: every layer's layout is the
// t-SNE of exactly the stored PCA rows (whichever rank ran it), subsampling keeps every language,
// and each layer has a finite layout and a KL divergence.
#include <gtest/gtest.h>

#include <cmath>

#include "extract_fixture.hpp"
#include "polyrep/extract/extractor.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/pca_job.hpp"
#include "reduce_session.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/reduce/tsne_job.hpp"

namespace polyrep::test {
namespace {
namespace fs = std::filesystem;

TEST(TsneJob, EachLayerIsTheTsneOfItsStoredPcaRows) {
  static const mpi::Comm world = mpi::Comm::world();
  const fs::path dir = scratch_dir("tsne-job", world);
  auto options = small_extract_options("tiny-bert", dir / "reps.h5");
  options.sample = 10;  // 4 languages x 10 sentences
  extract::run_extract(options, world);
  reduce::TsneJobOptions tsne;
  tsne.tsne.perplexity = 5;
  tsne.tsne.iterations = 300;
  tsne.tsne.seed = 3;
  tsne.max_points = 200;  // tokens are subsampled, sentences (40) are not
  const auto summary = test::reduce_session(options.out, world, [&](reduce::ReduceFiles& files) {
    reduce::run_pca_job(files, world, {8, 1000});
    return reduce::run_tsne_job(files, world, tsne);
  });
  EXPECT_EQ(summary.jobs, 6);  // 3 layers x (tokens, sentences)
  EXPECT_LE(summary.token_points, 200);
  EXPECT_EQ(summary.sentence_points, 40);
  if (world.is_root()) {
    const auto rows = dataset_ints(options.out, "/reduce/tsne/tokens/rows");
    const auto sentence_of = dataset_ints(options.out, "/tokens/sentence");
    const auto lang = dataset_ints(options.out, "/sentences/lang");
    std::vector<int> per_language(4, 0);
    for (auto r : rows) ++per_language[static_cast<std::size_t>(lang[static_cast<std::size_t>(sentence_of[static_cast<std::size_t>(r)])])];
    for (int n : per_language) EXPECT_GT(n, 20);
    const auto kl = dataset_floats(options.out, "/reduce/tsne/sentences/kl_divergence");
    for (float v : kl) EXPECT_TRUE(v > 0 && std::isfinite(v));
    // Layer 1 of the sentences, recomputed here from the stored PCA rows.
    const auto pca = dataset_floats(options.out, "/reduce/pca/sentences/projection");  // [3, 40, 8]
    Eigen::MatrixXf points(40, 8);
    for (int i = 0; i < 40; ++i)
      for (int c = 0; c < 8; ++c) points(i, c) = pca[static_cast<std::size_t>((1 * 40 + i) * 8 + c)];
    const auto expected = reduce::tsne(points, tsne.tsne);
    const auto stored = dataset_floats(options.out, "/reduce/tsne/sentences/embedding");  // [3, 40, 2]
    for (int i = 0; i < 40; ++i) {
      EXPECT_EQ(stored[static_cast<std::size_t>((40 + i) * 2)], expected.embedding(i, 0));
      EXPECT_EQ(stored[static_cast<std::size_t>((40 + i) * 2 + 1)], expected.embedding(i, 1));
    }
    EXPECT_NEAR(kl[1], expected.kl_divergence, 1e-6);
  }
  world.barrier();
}

}  // namespace
}  // namespace polyrep::test
