// Hub checkpoints come in other layouts than the fixtures' bare models: task-model prefixes,
// task heads, legacy names, shards, half-precision dtypes. Each is written here from the fixture
// weights and must give exactly the outputs of the base layout.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "model_test_util.hpp"
#include "polyrep/model/encoder.hpp"
#include "safetensors_writer.hpp"

namespace polyrep::model {
namespace {

using test::StTensor;
using testing::TempDir;
using testing::fixture;

std::vector<StTensor> fixture_tensors(const std::string& model) {
  return test::read_safetensors((fixture(model) / "model.safetensors").string());
}

void copy_config(const std::string& model, const TempDir& dir) {
  std::filesystem::copy_file(fixture(model) / "config.json", dir.path() / "config.json");
}

std::string random_f32(std::int64_t n) {
  at::Tensor t = at::randn({n}, at::kFloat);
  return std::string(static_cast<const char*>(t.data_ptr()), n * 4);
}

std::vector<at::Tensor> run(const std::filesystem::path& dir, std::int64_t pad) {
  auto [ids, mask] = testing::sample_batch(pad);
  return load_encoder(dir)->forward(ids, mask);
}

void expect_identical(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t l = 0; l < a.size(); ++l) EXPECT_TRUE(at::equal(a[l], b[l])) << "layer " << l;
}

double max_abs_diff(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  double worst = 0;
  for (std::size_t l = 0; l < a.size(); ++l)
    worst = std::max(worst, (a[l] - b[l]).abs().max().item<double>());
  return worst;
}

/// Rewrites a fixture into `dir` with every tensor passed through `edit` (which may rename it or
/// change its data) and the extra tensors appended.
void write_variant(const std::string& model, const TempDir& dir,
                   const std::function<void(StTensor&)>& edit, std::vector<StTensor> extra = {}) {
  copy_config(model, dir);
  auto tensors = fixture_tensors(model);
  for (auto& t : tensors) edit(t);
  tensors.insert(tensors.end(), extra.begin(), extra.end());
  test::write_safetensors(dir / "model.safetensors", tensors);
}

TEST(Layouts, BertForMaskedLmCheckpointWithLegacyNamesLoads) {
  TempDir dir;
  write_variant("tiny-bert", dir,
                [](StTensor& t) {
                  t.name = "bert." + t.name;
                  // Original TF-converted BERT checkpoints name LayerNorm parameters gamma/beta.
                  auto pos = t.name.find("LayerNorm.");
                  if (pos != std::string::npos)
                    t.name = t.name.substr(0, pos) +
                             (t.name.substr(pos) == "LayerNorm.weight" ? "LayerNorm.gamma"
                                                                       : "LayerNorm.beta");
                },
                {{"cls.predictions.transform.dense.weight", "F32", {64, 64}, random_f32(64 * 64)},
                 {"cls.predictions.bias", "F32", {8574}, random_f32(8574)},
                 {"bert.embeddings.position_ids", "I64", {1, 2}, std::string(16, '\0')}});
  expect_identical(run(dir.path(), 0), run(fixture("tiny-bert"), 0));
}

TEST(Layouts, XlmRobertaForMaskedLmCheckpointLoads) {
  TempDir dir;
  write_variant("tiny-xlmr", dir, [](StTensor& t) { t.name = "roberta." + t.name; },
                {{"lm_head.dense.weight", "F32", {64, 64}, random_f32(64 * 64)},
                 {"lm_head.bias", "F32", {2002}, random_f32(2002)}});
  expect_identical(run(dir.path(), 1), run(fixture("tiny-xlmr"), 1));
}

TEST(Layouts, XglmForCausalLmCheckpointWithoutTiedHeadLoads) {
  TempDir dir;
  write_variant("tiny-xglm", dir, [](StTensor& t) { t.name = "model." + t.name; });
  expect_identical(run(dir.path(), 1), run(fixture("tiny-xglm"), 1));
}

/// Splits a fixture (names prefixed with `prefix`) over `shards` files plus an index.
void write_sharded(const std::string& model, const TempDir& dir, const std::string& prefix,
                   std::size_t shards) {
  copy_config(model, dir);
  auto tensors = fixture_tensors(model);
  std::vector<std::vector<StTensor>> parts(shards);
  nlohmann::json weight_map = nlohmann::json::object();
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    tensors[i].name = prefix + tensors[i].name;
    std::size_t shard = i * shards / tensors.size();
    parts[shard].push_back(tensors[i]);
    weight_map[tensors[i].name] = "model-0000" + std::to_string(shard + 1) + "-of-0000" +
                                  std::to_string(shards) + ".safetensors";
  }
  for (std::size_t s = 0; s < shards; ++s)
    test::write_safetensors(dir / ("model-0000" + std::to_string(s + 1) + "-of-0000" +
                                   std::to_string(shards) + ".safetensors"),
                            parts[s]);
  testing::write_text(dir.path() / "model.safetensors.index.json",
                      nlohmann::json{{"metadata", {{"total_size", 0}}}, {"weight_map", weight_map}}
                          .dump(2));
}

TEST(Layouts, ShardedCheckpointsLoad) {
  TempDir bert, xglm;
  write_sharded("tiny-bert", bert, "", 2);
  write_sharded("tiny-xglm", xglm, "model.", 3);
  expect_identical(run(bert.path(), 0), run(fixture("tiny-bert"), 0));
  expect_identical(run(xglm.path(), 1), run(fixture("tiny-xglm"), 1));
}

struct HalfCase {
  const char* model;
  std::int64_t pad;
  const char* dtype;
  double tolerance;  // vs the fp32 weights; the exact check is against pre-rounded weights
};

void PrintTo(const HalfCase& c, std::ostream* os) { *os << c.model << " " << c.dtype; }

class HalfPrecision : public ::testing::TestWithParam<HalfCase> {};

TEST_P(HalfPrecision, LoadsAsFloat32OfTheRoundedValues) {
  const HalfCase c = GetParam();
  const bool f16 = std::string(c.dtype) == "F16";
  TempDir half, rounded;
  write_variant(c.model, half, [&](StTensor& t) {
    t.bytes = f16 ? test::f32_to_f16(t.bytes) : test::f32_to_bf16(t.bytes);
    t.dtype = c.dtype;
  });
  write_variant(c.model, rounded, [&](StTensor& t) {
    t.bytes = f16 ? test::f32_round_to_f16(t.bytes) : test::f32_round_to_bf16(t.bytes);
  });
  const auto half_out = run(half.path(), c.pad);
  // Same values, stored as F32: the conversion must be exact, so the outputs are identical.
  expect_identical(half_out, run(rounded.path(), c.pad));
  const double diff = max_abs_diff(half_out, run(fixture(c.model), c.pad));
  EXPECT_GT(diff, 0.0);  // the weights really were rounded
  EXPECT_LT(diff, c.tolerance);
  std::cout << "[model] " << c.model << " " << c.dtype << " vs F32: max abs diff " << diff << "\n";
}

INSTANTIATE_TEST_SUITE_P(Models, HalfPrecision,
                         ::testing::Values(HalfCase{"tiny-bert", 0, "F16", 0.02},
                                           HalfCase{"tiny-bert", 0, "BF16", 0.2},
                                           HalfCase{"tiny-xlmr", 1, "F16", 0.02},
                                           HalfCase{"tiny-xglm", 1, "BF16", 0.2}),
                         [](const auto& info) {
                           std::string name = std::string(info.param.model) + "_" + info.param.dtype;
                           for (char& ch : name)
                             if (ch == '-') ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace polyrep::model
