// plot --compare on hand-made files (compare_fixture.hpp): both files' reports show the same rows,
// the payload's two datasets decode to each file's own layouts of those rows, t-SNE is shown only
// where both ran it and on the rows both used, the sentence CKA is the one of cka.hpp over the
// stored vectors, labels come from the model and adapters, the compare figures are written, and a
// second file that is incomplete, not reduced or of other sentences, tokens or layers is refused
// with one InputError naming it.
#include <gtest/gtest.h>

#include "base64_decode.hpp"

#include <cmath>
#include <cstring>

#include "compare_fixture.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/plot/cka.hpp"
#include "polyrep/plot/compare_report.hpp"
#include "polyrep/plot/procrustes.hpp"
#include "polyrep/plot/static_figures.hpp"
#include "temp_dir.hpp"

namespace polyrep::plot {
namespace {

namespace fs = std::filesystem;
using test::SmallExtraction;
using Rows = std::vector<std::int64_t>;
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr const char* kLoraSummary = "lora r=4 alpha=8 on query,value (8 tensors)";

using ::polyrep::test::unbase64;

// Point i of a payload layer ({"bounds", "xy"}), dequantised, with the quantisation step per axis.
std::array<double, 4> point_of(const nlohmann::json& layer, std::size_t i) {
  const auto bytes = unbase64(layer["xy"].get<std::string>());
  std::vector<std::uint16_t> q(bytes.size() / 2);
  std::memcpy(q.data(), bytes.data(), q.size() * 2);
  const auto b = layer["bounds"].get<std::vector<double>>();
  return {b[0] + q.at(2 * i) / 65535.0 * (b[1] - b[0]), b[2] + q.at(2 * i + 1) / 65535.0 * (b[3] - b[2]),
          (b[1] - b[0]) / 65535.0, (b[3] - b[2]) / 65535.0};
}

// The payload's layouts of `view` (0: PCA, 1: t-SNE) equal `expected(layer, point)` = {x, y}.
template <typename F>
void expect_layouts(const nlohmann::json& cloud, std::size_t view, std::size_t points, F expected) {
  const auto& layers = cloud["views"][view]["layers"];
  ASSERT_EQ(layers.size(), SmallExtraction::kLayers);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    for (std::size_t i = 0; i < points; ++i) {
      const auto p = point_of(layers[l], i);
      const std::array<float, 2> want = expected(l, i);
      EXPECT_NEAR(p[0], want[0], p[2] + 1e-6) << "view " << view << " layer " << l << " point " << i;
      EXPECT_NEAR(p[1], want[1], p[3] + 1e-6) << "view " << view << " layer " << l << " point " << i;
    }
  }
}

Eigen::MatrixXd hidden_at(const SmallExtraction& x, std::size_t layer) {
  const auto n = SmallExtraction::kSentences, h = SmallExtraction::kHidden;
  return Eigen::Map<const RowMajor>(x.hidden.data() + layer * n * h, n, h).cast<double>();
}

class CompareTest : public ::testing::Test {
 protected:
  polyrep::test::TempDir dir{"plot-compare"};
  fs::path a = dir / "base.h5", b = dir / "tuned.h5";
  SmallExtraction base, tuned{0.5f};

  CompareTest() {
    tuned.adapters = std::string(R"([{"kind":"lora","path":"/adapters/lora","summary":")") + kLoraSummary +
                     R"(","weights_hash":"0000000000000000"}])";
    // Layer 0: the base states under a signed permutation of the features (orthogonal), doubled.
    const auto n = SmallExtraction::kSentences, h = SmallExtraction::kHidden;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < h; ++j) tuned.hidden[i * h + j] = (j == 0 ? -2.0f : 2.0f) * base.hidden[i * h + (j + 1) % h];
    }
    // Layer 1: another geometry (squares of the base states, one feature shifted for every other sentence).
    for (std::size_t k = n * h; k < 2 * n * h; ++k) tuned.hidden[k] = 0.1f * base.hidden[k] * base.hidden[k] + float(k % 2);
  }
  // B's layouts as the files hold them (alignment off), unless the test asks otherwise.
  static CompareOptions unaligned() {
    CompareOptions o;
    o.align = false;
    return o;
  }
  CompareData load(const CompareOptions& o = unaligned()) {
    test::write_extraction(a, base);
    test::write_extraction(b, tuned);
    return load_compare_data(a, b, o);
  }
  // The InputError message of comparing base with `other` (written to b).
  std::string refusal(const SmallExtraction& other) {
    test::write_extraction(a, base);
    test::write_extraction(b, other);
    try {
      load_compare_data(a, b, {});
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no InputError)";
  }
};

TEST_F(CompareTest, PayloadDecodesToEachFilesOwnLayoutsOfTheSameRows) {
  base.with_tsne({0, 2, 3, 5});
  tuned.with_tsne({0, 2, 3, 5}, 100);
  const CompareData d = load();
  const Rows rows{0, 2, 3, 5};
  ASSERT_EQ(d.a.clouds.size(), 1u);
  ASSERT_EQ(d.b.clouds.size(), 1u);
  EXPECT_EQ(d.a.clouds[0].rows, rows);
  EXPECT_EQ(d.b.clouds[0].rows, rows);
  EXPECT_EQ(d.a.sentences.text, (std::vector<std::string>{"one", "three", "un", "trois"}));
  EXPECT_EQ(d.b.sentences.text, d.a.sentences.text);
  const auto j = compare_payload(d);
  const auto& ca = j["clouds"][0];
  const auto& cb = j["compare"]["clouds"][0];
  EXPECT_EQ(ca["count"], 4);
  EXPECT_EQ(cb["count"], 4);
  EXPECT_EQ(cb["name"], "sentences");
  EXPECT_FALSE(cb.contains("lang"));  // B's points are A's: only their layouts are stored again
  ASSERT_EQ(ca["views"].size(), 2u);
  ASSERT_EQ(cb["views"].size(), 2u);
  for (const auto& [cloud, x] : {std::pair{&ca, &base}, std::pair{&cb, &tuned}}) {
    const auto K = SmallExtraction::kComponents, n = SmallExtraction::kSentences;
    expect_layouts(*cloud, 0, 4, [&, x = x](std::size_t l, std::size_t i) {
      const float* p = x->projection.data() + (l * n + std::size_t(rows[i])) * K;
      return std::array<float, 2>{p[0], p[1]};
    });
    expect_layouts(*cloud, 1, 4, [&, x = x](std::size_t l, std::size_t i) {  // position i among t-SNE rows
      const float* p = x->embedding.data() + (l * 4 + i) * 2;
      return std::array<float, 2>{p[0], p[1]};
    });
  }
  EXPECT_EQ(j["title"], std::string("tiny-bert vs tiny-bert + ") + kLoraSummary);
  EXPECT_EQ(j["compare"]["labels"][1], std::string("tiny-bert + ") + kLoraSummary);
  EXPECT_EQ(j["compare"]["files"][0]["source"], "base.h5");
  EXPECT_EQ(j["compare"]["files"][1]["adapters"], (std::vector<std::string>{kLoraSummary}));
  EXPECT_EQ(j["source"], "base.h5 vs tuned.h5");
}

TEST_F(CompareTest, SentenceCkaOfTheStoredVectors) {
  const CompareData d = load();
  ASSERT_EQ(d.sentence_cka.size(), 2u);
  EXPECT_EQ(d.cka_rows, 6);
  EXPECT_NEAR(d.sentence_cka[0], 1.0, 1e-9);  // rotated and scaled
  const double layer1 = linear_cka(hidden_at(base, 1), hidden_at(tuned, 1));
  EXPECT_NEAR(d.sentence_cka[1], layer1, 1e-12);
  EXPECT_LT(layer1, 0.999);
  for (const std::int64_t block : {1, 4}) {  // read in blocks of sentences: the same numbers
    CompareOptions o;
    o.cka_block_rows = block;
    const std::vector<double> again = sentence_cka(a, b, block);
    EXPECT_NEAR(again[1], layer1, 1e-12) << block;
  }
  const auto j = compare_payload(d);
  EXPECT_EQ(j["compare"]["cka"]["rows"], 6);
  EXPECT_EQ(j["compare"]["cka"]["sentences"][1].get<double>(), d.sentence_cka[1]);
}

TEST_F(CompareTest, NoCkaWithoutMeanPooling) {
  tuned.mean = false;
  const CompareData d = load();
  EXPECT_TRUE(d.sentence_cka.empty());
  EXPECT_FALSE(compare_payload(d)["compare"].contains("cka"));
}

TEST_F(CompareTest, TsneOnlyWhereBothRanIt) {
  base.with_tsne({0, 1, 2, 3, 4, 5});
  const CompareData d = load();
  for (const ReportData* r : {&d.a, &d.b}) {
    ASSERT_EQ(r->clouds[0].views.size(), 1u);
    EXPECT_EQ(r->clouds[0].views[0].method, "pca");
    EXPECT_EQ(r->clouds[0].rows, (Rows{0, 1, 2, 3, 4, 5}));
  }
}

TEST_F(CompareTest, TsneOnTheRowsBothUsed) {
  base.with_tsne({0, 1, 2, 4, 5});
  tuned.with_tsne({0, 2, 3, 4, 5}, 50);
  const CompareData d = load();
  EXPECT_EQ(d.a.clouds[0].rows, (Rows{0, 2, 4, 5}));
  EXPECT_EQ(d.b.clouds[0].rows, (Rows{0, 2, 4, 5}));
  // Row 2 is t-SNE position 2 in base and 1 in tuned; row 4 position 3 in both.
  for (std::size_t l = 0; l < 2; ++l) {
    const Layout& xa = d.a.clouds[0].views[1].layers[l].xy;
    const Layout& xb = d.b.clouds[0].views[1].layers[l].xy;
    EXPECT_EQ(xa(1, 0), base.embedding[(l * 5 + 2) * 2]);
    EXPECT_EQ(xb(1, 0), tuned.embedding[(l * 5 + 1) * 2]);
    EXPECT_EQ(xa(2, 1), base.embedding[(l * 5 + 3) * 2 + 1]);
    EXPECT_EQ(xb(2, 1), tuned.embedding[(l * 5 + 3) * 2 + 1]);
  }
}

TEST_F(CompareTest, Labels) {
  CompareOptions o;
  o.labels = {"base", "LoRA"};
  const CompareData d = load(o);
  EXPECT_EQ(d.labels[0], "base");
  EXPECT_EQ(d.labels[1], "LoRA");
  o.labels = {"base"};
  EXPECT_THROW(load(o), UsageError);
  o.labels = {"base", ""};
  EXPECT_THROW(load(o), UsageError);
  tuned.adapters = "[]";  // the same model twice: told apart by file name
  const CompareData same = load();
  EXPECT_EQ(same.labels[0], "tiny-bert (base.h5)");
  EXPECT_EQ(same.labels[1], "tiny-bert (tuned.h5)");
  EXPECT_EQ(default_label("m", {"ia3 on k", "lora r=2"}), "m + ia3 on k + lora r=2");
}

TEST_F(CompareTest, CompareFigures) {
  base.with_tsne({0, 2, 3, 5});
  tuned.with_tsne({0, 2, 3, 5});
  const CompareData d = load();
  polyrep::test::TempDir out("plot-compare-figures");
  StaticFigureOptions o;
  o.formats = {"svg", "png"};
  EXPECT_EQ(write_compare_figures(out.path(), d, o), 2u * 2u * 2u);  // views x layers x formats
  for (const char* stem : {"compare_sentences_pca_layer00", "compare_sentences_pca_layer01",
                           "compare_sentences_tsne_layer00", "compare_sentences_tsne_layer01"}) {
    for (const char* ext : {".svg", ".png"}) EXPECT_GT(fs::file_size(out / (std::string(stem) + ext)), 1000u) << stem << ext;
  }
}

TEST_F(CompareTest, RefusesAnotherFileThanAComparableOne) {
  const auto expect = [&](const SmallExtraction& other, const std::string& phrase) {
    const std::string message = refusal(other);
    EXPECT_NE(message.find(b.string()), std::string::npos) << message;
    EXPECT_NE(message.find(phrase), std::string::npos) << message;
  };
  SmallExtraction x = tuned;
  x.complete = false;
  expect(x, "--compare: " + b.string() + ": incomplete extraction");
  x = tuned;
  x.reduced = false;
  expect(x, "--compare: " + b.string() + ": no reduction results");
  x = tuned;
  x.languages[1] = "deu_Latn";
  expect(x, "not the same sentences as " + a.string() + ": /languages differs at row 1 ('deu_Latn' against 'fra_Latn')");
  x = tuned;
  x.text[4] = "deux!";
  expect(x, "/sentences/text differs at row 4 ('deux!' against 'deux')");
  x = tuned;
  x.source = {4, 7, 9, 4, 9, 7};
  expect(x, "/sentences/source_index differs at row 4 (9 against 7)");
  x = tuned;
  x.token_id[3] = 99;
  expect(x, "/tokens/id differs at row 3 (99 against 12) (another tokenizer?)");
  x = tuned;
  x.layers = {0, 2};
  expect(x, "other stored layers than " + a.string() + " (0,2 against 0,1");
}

TEST_F(CompareTest, TheFirstFileIsCheckedAsForOneFile) {
  base.reduced = false;
  const std::string message = refusal(tuned);
  EXPECT_EQ(message.rfind(a.string() + ": no reduction results", 0), 0u) << message;
}

// By default B's layouts are turned onto A's (procrustes.hpp, tested by hand there): every view
// and layer of B in the data is align_to(B's own layout, A's), and --no-align leaves them as read.
TEST_F(CompareTest, BLayoutsAreAlignedToAsByDefault) {
  base.with_tsne({0, 2, 3, 5});
  tuned.with_tsne({0, 2, 3, 5}, 100);
  const CompareData raw = load();
  const CompareData aligned = load(CompareOptions{});
  EXPECT_FALSE(raw.aligned);
  EXPECT_TRUE(aligned.aligned);
  for (std::size_t v = 0; v < 2; ++v) {
    for (std::size_t l = 0; l < 2; ++l) {
      const Layout& a = raw.a.clouds[0].views[v].layers[l].xy;
      const Layout& b = raw.b.clouds[0].views[v].layers[l].xy;
      const Layout& got = aligned.b.clouds[0].views[v].layers[l].xy;
      EXPECT_LT((got - align_to(b, a)).cwiseAbs().maxCoeff(), 1e-6) << "view " << v << " layer " << l;
      EXPECT_EQ(aligned.a.clouds[0].views[v].layers[l].xy, a);  // A is never moved
      // Distances within B's layout are kept.
      EXPECT_NEAR((got.row(0) - got.row(3)).norm(), (b.row(0) - b.row(3)).norm(), 1e-4);
    }
  }
}

}  // namespace
}  // namespace polyrep::plot
