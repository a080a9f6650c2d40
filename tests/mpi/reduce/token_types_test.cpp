// polyrep reduce --average-token-duplicates at np 1, 2 and 3: every (language, token id) present
// gets exactly one point, at the mean of its occurrences' stored PCA rows, with the right count
// and first occurrence; the result is the same whatever the rank count.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "extract_fixture.hpp"
#include "polyrep/extract/extractor.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/pca_job.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/reduce/token_types.hpp"
#include "polyrep/reduce/tsne_job.hpp"
#include "reduce_session.hpp"

namespace polyrep {
namespace {
namespace fs = std::filesystem;
using test::dataset_dims;
using test::dataset_floats;
using test::dataset_ints;

struct Expected {
  std::int64_t count = 0, first_row = -1;
  std::vector<double> sum;
};

TEST(TokenTypes, OnePointPerTokenPerLanguageAtTheMeanOfItsOccurrences) {
  static const mpi::Comm world = mpi::Comm::world();
  const fs::path dir = test::scratch_dir("token-types", world);
  auto options = test::small_extract_options("tiny-bert", dir / "reps.h5");
  extract::run_extract(options, world);
  reduce::TsneJobOptions tsne;
  tsne.tsne.perplexity = 5;
  tsne.tsne.iterations = 250;
  const auto summary = test::reduce_session(options.out, world, [&](reduce::ReduceFiles& files) {
    reduce::run_pca_job(files, world, {6, 50});
    auto types = reduce::run_token_types_job(files, world, {29});  // chunks cut languages
    reduce::run_tsne_job(files, world, tsne);
    return types;
  });
  if (!world.is_root()) return;
  const auto ids = dataset_ints(options.out, "/tokens/id");
  const auto sentence = dataset_ints(options.out, "/tokens/sentence");
  const auto lang_of_sentence = dataset_ints(options.out, "/sentences/lang");
  const auto pca = dataset_floats(options.out, "/reduce/pca/tokens/projection");  // [3, N, 6]
  const std::size_t n = ids.size(), k = 6, layers = 3;
  ASSERT_EQ(pca.size(), layers * n * k);
  for (std::size_t layer = 0; layer < layers; ++layer) {
    std::map<std::pair<std::int64_t, std::int64_t>, Expected> expected;
    for (std::size_t row = 0; row < n; ++row) {
      auto& e = expected[{lang_of_sentence[std::size_t(sentence[row])], ids[row]}];
      if (e.count++ == 0) e.first_row = std::int64_t(row);
      e.sum.resize(k);
      for (std::size_t c = 0; c < k; ++c) e.sum[c] += pca[(layer * n + row) * k + c];
    }
    const auto lang = dataset_ints(options.out, "/reduce/types/lang");
    const auto token_id = dataset_ints(options.out, "/reduce/types/token_id");
    const auto count = dataset_ints(options.out, "/reduce/types/count");
    const auto first = dataset_ints(options.out, "/reduce/types/first_row");
    const auto means = dataset_floats(options.out, "/reduce/pca/types/projection");
    ASSERT_EQ(lang.size(), expected.size());
    ASSERT_EQ(summary.types, std::int64_t(expected.size()));
    ASSERT_EQ(means.size(), layers * lang.size() * k);
    std::size_t t = 0;
    for (const auto& [key, e] : expected) {  // std::map order = (language, token id), as stored
      ASSERT_EQ(lang[t], key.first);
      ASSERT_EQ(token_id[t], key.second);
      EXPECT_EQ(count[t], e.count);
      EXPECT_EQ(first[t], e.first_row);
      for (std::size_t c = 0; c < k; ++c) {
        EXPECT_NEAR(means[(layer * lang.size() + t) * k + c], e.sum[c] / double(e.count), 1e-5);
      }
      ++t;
    }
  }
  EXPECT_EQ(dataset_dims(options.out, "/reduce/tsne/types/embedding")[1], dataset_dims(options.out, "/reduce/types/lang")[0]);
}

TEST(TokenTypes, SplitLanguagesBalancesWholeLanguages) {
  EXPECT_EQ(reduce::split_languages({10, 10, 10, 10}, 2), (std::vector<std::int64_t>{0, 2, 4}));
  EXPECT_EQ(reduce::split_languages({100, 1, 1, 1}, 2), (std::vector<std::int64_t>{0, 1, 4}));
  // One language of 5 tokens: its middle token (2.5) falls in rank 1's share [5/3, 10/3).
  EXPECT_EQ(reduce::split_languages({5}, 3), (std::vector<std::int64_t>{0, 0, 1, 1}));
}

}  // namespace
}  // namespace polyrep
