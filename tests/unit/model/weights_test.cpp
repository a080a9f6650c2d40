#include "polyrep/model/weights.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "model_test_util.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/model/encoder.hpp"
#include "safetensors_writer.hpp"

namespace polyrep::model {
namespace {

using test::StTensor;
using testing::TempDir;
using testing::fixture;

std::string f32_bytes(std::vector<float> v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

/// The message of the InputError load_encoder throws for `dir`, or "" when it loads.
std::string load_error(const TempDir& dir) {
  try {
    load_encoder(dir.path());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void write_bert_without(const TempDir& dir, const std::string& dropped,
                        const std::function<void(StTensor&)>& edit = {}) {
  std::filesystem::copy_file(fixture("tiny-bert") / "config.json", dir.path() / "config.json");
  auto tensors = test::read_safetensors((fixture("tiny-bert") / "model.safetensors").string());
  std::vector<StTensor> kept;
  for (auto& t : tensors) {
    if (t.name == dropped) continue;
    if (edit) edit(t);
    kept.push_back(t);
  }
  test::write_safetensors(dir / "model.safetensors", kept);
}

TEST(WeightStore, ConvertsAndResolvesPrefixes) {
  TempDir dir;
  test::write_safetensors(dir / "model.safetensors",
                          {{"bert.a.weight", "F32", {2}, f32_bytes({1.5f, -2})},
                           {"b.LayerNorm.gamma", "F32", {1}, f32_bytes({3})},
                           {"c", "F16", {2}, std::string("\x00\x3c\x00\xc0", 4)},    // 1, -2
                           {"d", "BF16", {1}, std::string("\x80\x3f", 2)},           // 1
                           {"ids", "I64", {1}, std::string(8, '\0')}});
  WeightStore store = WeightStore::open(dir.path());
  store.set_prefixes({"roberta.", "bert."});
  EXPECT_TRUE(store.contains("a.weight"));
  EXPECT_FALSE(store.contains("a.bias"));
  at::Tensor a = store.get("a.weight", {2});
  EXPECT_EQ(a.scalar_type(), at::kFloat);
  EXPECT_FLOAT_EQ(a[1].item<float>(), -2.0f);
  EXPECT_FLOAT_EQ(store.get("b.LayerNorm.weight", {1}).item<float>(), 3.0f);
  at::Tensor c = store.get("c", {2});
  EXPECT_FLOAT_EQ(c[0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(c[1].item<float>(), -2.0f);
  EXPECT_FLOAT_EQ(store.get("d", {1}).item<float>(), 1.0f);
  try {
    store.get("ids", {1});
    ADD_FAILURE() << "an I64 tensor was loaded as a weight";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("dtype I64"), std::string::npos) << e.what();
  }
}

TEST(WeightStore, MissingTensorIsNamed) {
  TempDir dir;
  write_bert_without(dir, "encoder.layer.1.output.dense.weight");
  std::string msg = load_error(dir);
  EXPECT_NE(msg.find("loading model weights"), std::string::npos) << msg;
  EXPECT_NE(msg.find("model.safetensors: missing tensor 'encoder.layer.1.output.dense.weight'"),
            std::string::npos)
      << msg;
}

TEST(WeightStore, ShapeMismatchIsNamed) {
  TempDir dir;
  write_bert_without(dir, "", [](StTensor& t) {
    if (t.name == "encoder.layer.0.intermediate.dense.weight") t.shape = {64, 128};
  });
  std::string msg = load_error(dir);
  EXPECT_NE(msg.find("'encoder.layer.0.intermediate.dense.weight' has shape [64,128], expected "
                     "[128,64]"),
            std::string::npos)
      << msg;
}

TEST(WeightStore, DirectoryWithoutWeights) {
  TempDir dir;
  std::filesystem::copy_file(fixture("tiny-bert") / "config.json", dir.path() / "config.json");
  std::string msg = load_error(dir);
  EXPECT_NE(msg.find("no model.safetensors"), std::string::npos) << msg;
}

TEST(WeightStore, PickleWeightsOnlyAreRefusedWithTheConversion) {
  TempDir dir;
  std::filesystem::copy_file(fixture("tiny-bert") / "config.json", dir.path() / "config.json");
  testing::write_text(dir.path() / "pytorch_model.bin", "not unpickled");
  const std::string msg = load_error(dir);
  EXPECT_NE(msg.find((dir.path() / "pytorch_model.bin").string() + ": PyTorch pickle weights are not loaded"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find("save_pretrained('" + dir.path().string() + "', safe_serialization=True)"), std::string::npos) << msg;
}

/// The tiny-bert checkpoint with config.json's `key` set to `value`.
std::string config_error(const std::string& key, long long value) {
  TempDir dir;
  auto config = nlohmann::json::parse(std::ifstream(fixture("tiny-bert") / "config.json"));
  config[key] = value;
  testing::write_text(dir.path() / "config.json", config.dump());
  std::filesystem::copy_file(fixture("tiny-bert") / "model.safetensors", dir.path() / "model.safetensors");
  return load_error(dir);
}

TEST(WeightStore, ConfigSizesTheWeightsDoNotBackNameConfigJsonBeforeAnyAllocation) {
  // hidden_size 10^9 would be 34 TB of word embeddings: refused from the header alone.
  EXPECT_NE(config_error("hidden_size", 1000000000)
                .find("config.json: vocab_size = 8574, hidden_size = 1000000000 give tensor "
                      "'embeddings.word_embeddings.weight' the shape [8574,1000000000], but "),
            std::string::npos)
      << config_error("hidden_size", 1000000000);
  EXPECT_NE(config_error("num_hidden_layers", 1000000)
                .find("num_hidden_layers = 1000000, intermediate_size = 128 asks for tensor "
                      "'encoder.layer.999999.intermediate.dense.weight' [128,64], which "),
            std::string::npos);
  EXPECT_NE(config_error("max_position_embeddings", 1000).find("max_position_embeddings = 1000 give"), std::string::npos);
  EXPECT_NE(config_error("vocab_size", 1000000000000LL).find("'vocab_size': 1000000000000 is out of range"),
            std::string::npos);
}

void write_index(const TempDir& dir, const nlohmann::json& weight_map) {
  testing::write_text(dir.path() / "model.safetensors.index.json",
                      nlohmann::json{{"weight_map", weight_map}}.dump());
}

std::string open_error(const TempDir& dir) {
  try {
    WeightStore::open(dir.path());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(WeightStore, InvalidShardIndexes) {
  TempDir dir;
  test::write_safetensors(dir / "part1.safetensors", {{"a", "F32", {1}, f32_bytes({1})}});
  test::write_safetensors(dir / "part2.safetensors", {{"a", "F32", {1}, f32_bytes({2})}});

  write_index(dir, {{"a", "part3.safetensors"}});
  EXPECT_NE(open_error(dir).find("part3.safetensors"), std::string::npos);
  write_index(dir, {{"a", "../part1.safetensors"}});
  EXPECT_NE(open_error(dir).find("not a file name"), std::string::npos);
  write_index(dir, {{"a", "part1.safetensors"}, {"b", "part1.safetensors"}});
  EXPECT_NE(open_error(dir).find("maps tensor 'b'"), std::string::npos);
  write_index(dir, {{"a", "part1.safetensors"}, {"c", "part2.safetensors"}});
  EXPECT_NE(open_error(dir).find("more than one shard"), std::string::npos);
  testing::write_text(dir.path() / "model.safetensors.index.json", "{\"weight_map\": 3}");
  EXPECT_NE(open_error(dir).find("'weight_map'"), std::string::npos);
  testing::write_text(dir.path() / "model.safetensors.index.json", "{");
  EXPECT_NE(open_error(dir).find("malformed JSON"), std::string::npos);
}

}  // namespace
}  // namespace polyrep::model
