// The whole pipeline against HuggingFace: the reference sentences of each fixture model go through
// `extract` (corpus -> tokenizer -> model -> HDF5) and every stored number is compared with the
// HuggingFace reference outputs in reference.h5.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "extract_fixture.hpp"
#include "polyrep/extract/extractor.hpp"
#include "polyrep/mpi/comm.hpp"
#include "reference_file.hpp"

namespace polyrep::test {
namespace {
namespace fs = std::filesystem;

constexpr double kTolerance = 1e-5;

const mpi::Comm& world() {
  static const mpi::Comm comm = mpi::Comm::world();
  return comm;
}

struct Case {
  std::vector<int> reference_index;   // line k of our corpus is reference sentence reference_index[k]
  fs::path file;
};

// Sentences with a line break cannot be lines of a corpus file; all others are used.
Case run_case(const std::string& model, const std::string& tag, std::int64_t window_sentences) {
  ReferenceFile ref((model_dir(model) / "reference.h5").string());
  const auto sentences = ref.strings("sentences");
  const fs::path dir = scratch_dir("parity-" + model + "-" + tag, world());
  Case c;
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    if (sentences[i].find_first_of("\r\n") != std::string::npos) continue;
    c.reference_index.push_back(static_cast<int>(i));
    lines.push_back(sentences[i]);
  }
  if (world().is_root()) write_plain_corpus(dir / "corpus", "xx", lines);
  world().barrier();
  auto options = small_extract_options(model, dir / "out.h5");
  options.corpus.path = dir / "corpus";
  options.corpus.languages = {"xx"};
  options.sample = std::nullopt;
  options.pooling = "mean,cls,last";
  options.plan.window_sentences = window_sentences;
  extract::run_extract(options, world());
  c.file = options.out;
  return c;
}

double max_abs_diff(const float* a, const float* b, std::size_t n) {
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(double(a[i]) - double(b[i])));
  return worst;
}

void expect_matches_reference(const std::string& model, const Case& c) {
  ReferenceFile ref((model_dir(model) / "reference.h5").string());
  const auto ids = dataset_ints(c.file, "/tokens/id");
  const auto offsets = dataset_ints(c.file, "/sentences/token_offset");
  const auto hidden = dataset_floats(c.file, "/hidden/tokens");
  const auto dims = dataset_dims(c.file, "/hidden/tokens");
  const auto n_tok = dims[1], width = dims[2];
  const auto texts = dataset_strings(c.file, "/sentences/text");
  const auto ref_texts = ref.strings("sentences");
  double worst_token = 0, worst_pool = 0;
  for (std::size_t k = 0; k < c.reference_index.size(); ++k) {
    const std::string group = ReferenceFile::sentence_group(c.reference_index[k]);
    EXPECT_EQ(texts[k], ref_texts[static_cast<std::size_t>(c.reference_index[k])]);
    const auto ref_ids = ref.int64(group + "input_ids").data;
    const auto begin = static_cast<std::size_t>(offsets[k]);
    ASSERT_EQ(std::vector<std::int64_t>(ids.begin() + begin, ids.begin() + static_cast<long>(offsets[k + 1])), ref_ids)
        << model << " sentence " << c.reference_index[k];
    const auto ref_hidden = ref.float32(group + "hidden_states");  // [L+1, n, H]
    const auto layers = ref_hidden.shape[0], n = ref_hidden.shape[1];
    for (std::uint64_t l = 0; l < layers; ++l) {
      const float* ours = hidden.data() + (l * n_tok + begin) * width;
      worst_token = std::max(worst_token, max_abs_diff(ours, ref_hidden.data.data() + l * n * width, n * width));
    }
  }
  for (const auto& [ours_name, ref_name] : {std::pair{"mean", "mean"}, {"cls", "first"}, {"last", "last"}}) {
    const auto ours = dataset_floats(c.file, std::string("/hidden/sentences/") + ours_name);  // [L+1, N', H]
    const auto ref_pool = ref.float32(std::string("pooled/") + ref_name);                     // [N, L+1, H]
    const auto layers = ref_pool.shape[1], width = ref_pool.shape[2];
    const auto n_ours = c.reference_index.size();
    for (std::size_t k = 0; k < n_ours; ++k) {
      for (std::uint64_t l = 0; l < layers; ++l) {
        const float* a = ours.data() + (l * n_ours + k) * width;
        const float* b = ref_pool.data.data() + (static_cast<std::uint64_t>(c.reference_index[k]) * layers + l) * width;
        worst_pool = std::max(worst_pool, max_abs_diff(a, b, width));
      }
    }
  }
  EXPECT_LE(worst_token, kTolerance) << model;
  EXPECT_LE(worst_pool, kTolerance) << model;
  if (world().is_root()) {
    std::printf("[parity] %s: max |ours - HF| token states %.3g, pooled %.3g\n", model.c_str(), worst_token, worst_pool);
  }
}

class FixtureParity : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureParity, StoredStatesMatchHuggingFace) {
  const Case c = run_case(GetParam(), "batched", 64);
  if (world().is_root()) expect_matches_reference(GetParam(), c);
  world().barrier();
}

TEST_P(FixtureParity, SentenceAloneGivesTheSameNumbersAsBatched) {
  const Case batched = run_case(GetParam(), "b", 64);
  const Case alone = run_case(GetParam(), "alone", 1);
  if (world().is_root()) {
    const auto a = dataset_floats(batched.file, "/hidden/tokens");
    const auto b = dataset_floats(alone.file, "/hidden/tokens");
    ASSERT_EQ(a.size(), b.size());
    const double diff = max_abs_diff(a.data(), b.data(), a.size());
    EXPECT_LE(diff, kTolerance);
    std::printf("[parity] %s: max |batched - alone| %.3g\n", GetParam().c_str(), diff);
  }
  world().barrier();
}

INSTANTIATE_TEST_SUITE_P(Models, FixtureParity, ::testing::Values("tiny-bert", "tiny-xlmr", "tiny-xglm"));

}  // namespace
}  // namespace polyrep::test
