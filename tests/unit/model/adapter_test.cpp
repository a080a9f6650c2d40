// PEFT adapters merged by the WeightStore, on hand-sized checkpoints: every expected value below is
// worked out by hand from the inputs written next to it (W, A, B, l), not by the code under test.
#include "polyrep/model/adapter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "model_test_util.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/core/hash.hpp"
#include "polyrep/model/weights.hpp"
#include "safetensors_writer.hpp"

namespace polyrep::model {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::StTensor;
using testing::TempDir;

const std::string kQuery = "encoder.layer.0.attention.self.query";  // [2,3] W, [2] b
const std::string kOutput = "encoder.layer.0.output.dense";         // [2,3] W, [2] b (feed-forward)
const std::string kWords = "embeddings.word_embeddings";            // [4,2]
const std::string kPeft = "base_model.model.";

StTensor f32(const std::string& name, std::vector<std::int64_t> shape, std::vector<float> v) {
  return {name, "F32", std::move(shape), std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4)};
}

/// W = [[1,2,3],[4,5,6]] for both linears, query bias [0.5,-0.5], output bias [1,2],
/// word embeddings [[1,2],[3,4],[5,6],[7,8]], and a task head; names under `prefix`.
void write_model(const TempDir& dir, const std::string& prefix = "") {
  test::write_safetensors(dir / "model.safetensors",
                          {f32(prefix + kQuery + ".weight", {2, 3}, {1, 2, 3, 4, 5, 6}),
                           f32(prefix + kQuery + ".bias", {2}, {0.5f, -0.5f}),
                           f32(prefix + kOutput + ".weight", {2, 3}, {1, 2, 3, 4, 5, 6}),
                           f32(prefix + kOutput + ".bias", {2}, {1, 2}),
                           f32(prefix + kWords + ".weight", {4, 2}, {1, 2, 3, 4, 5, 6, 7, 8}),
                           f32("classifier.weight", {1, 2}, {0, 0})});
}

fs::path write_adapter(const TempDir& dir, const json& config, const std::vector<StTensor>& tensors,
                       const std::string& name = "adapter") {
  dir.write(name + "/adapter_config.json", config.dump());
  test::write_safetensors(dir / (name + "/adapter_model.safetensors"), tensors);
  return dir / name;
}

json lora(double alpha, json targets = {"query"}) {
  return {{"peft_type", "LORA"}, {"r", 8}, {"lora_alpha", alpha}, {"target_modules", targets}, {"bias", "none"}};
}

json ia3(json targets, json feedforward) {
  return {{"peft_type", "IA3"}, {"target_modules", targets}, {"feedforward_modules", feedforward}};
}

/// A [1,3] = [[1,0,2]], B [2,1] = [[1],[-1]]: B A = [[1,0,2],[-1,0,-2]].
std::vector<StTensor> rank1_query(const std::string& prefix = kPeft) {
  return {f32(prefix + kQuery + ".lora_A.weight", {1, 3}, {1, 0, 2}),
          f32(prefix + kQuery + ".lora_B.weight", {2, 1}, {1, -1})};
}

WeightStore store_with(const TempDir& dir, const std::vector<fs::path>& adapters) {
  WeightStore store = WeightStore::open(dir.path());
  store.set_prefixes({"bert."});
  for (const auto& a : adapters) store.add_adapter(Adapter::open(a));
  return store;
}

void expect_values(const at::Tensor& t, const std::vector<double>& expected) {
  ASSERT_EQ(t.numel(), static_cast<std::int64_t>(expected.size()));
  const at::Tensor flat = t.reshape({-1}).to(at::kDouble);
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(flat[static_cast<std::int64_t>(i)].item<double>(), expected[i], 1e-5) << "element " << i;
}

/// The InputError message of opening `adapter` and adding it to the tiny model in `dir`.
std::string refusal(const TempDir& dir, const fs::path& adapter) {
  try {
    store_with(dir, {adapter});
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST(AdapterLora, Rank1AddsAlphaOverRTimesBA) {
  TempDir dir;
  write_model(dir);
  WeightStore store = store_with(dir, {write_adapter(dir, lora(2), rank1_query())});
  // scaling = 2 / 1: W + 2 [[1,0,2],[-1,0,-2]].
  expect_values(store.get(kQuery + ".weight", {2, 3}), {3, 2, 7, 2, 5, 2});
  expect_values(store.get(kQuery + ".bias", {2}), {0.5, -0.5});
  expect_values(store.get(kOutput + ".weight", {2, 3}), {1, 2, 3, 4, 5, 6});
  store.check_adapters_applied();
}

TEST(AdapterLora, Rank2TakesRFromLoraAsShapeNotFromConfig) {
  TempDir dir;
  write_model(dir);
  json config = lora(4);  // "r": 8 in the config; rank_pattern gave query rank 2
  config["rank_pattern"] = {{"query", 2}};
  // A = [[1,0,0],[0,1,0]], B = [[1,2],[3,4]]: B A = [[1,2,0],[3,4,0]]; scaling 4 / 2 = 2.
  const auto adapter = write_adapter(dir, config, {f32(kPeft + kQuery + ".lora_A.weight", {2, 3}, {1, 0, 0, 0, 1, 0}),
                                                   f32(kPeft + kQuery + ".lora_B.weight", {2, 2}, {1, 2, 3, 4})});
  expect_values(store_with(dir, {adapter}).get(kQuery + ".weight", {2, 3}), {3, 6, 3, 10, 13, 6});
}

TEST(AdapterLora, RsLoraScalesByAlphaOverSqrtR) {
  TempDir dir;
  write_model(dir);
  json config = lora(4);
  config["use_rslora"] = true;
  const auto adapter = write_adapter(dir, config, {f32(kPeft + kQuery + ".lora_A.weight", {2, 3}, {1, 0, 0, 0, 1, 0}),
                                                   f32(kPeft + kQuery + ".lora_B.weight", {2, 2}, {1, 2, 3, 4})});
  const double s = 4 / std::sqrt(2.0);  // B A = [[1,2,0],[3,4,0]]
  expect_values(store_with(dir, {adapter}).get(kQuery + ".weight", {2, 3}),
                {1 + s, 2 + 2 * s, 3, 4 + 3 * s, 5 + 4 * s, 6});
}

TEST(AdapterLora, FanInFanOutOnLinearWeightsGivesTheSameOutInUpdate) {
  // fan_in_fan_out describes Conv1D weights stored [in, out]; PEFT resets it on nn.Linear, and
  // the update of an [out, in] weight is B A either way.
  TempDir dir;
  write_model(dir);
  json config = lora(2);
  config["fan_in_fan_out"] = true;
  expect_values(store_with(dir, {write_adapter(dir, config, rank1_query())}).get(kQuery + ".weight", {2, 3}),
                {3, 2, 7, 2, 5, 2});
  // A pair shaped for a [3,2] weight does not fit the [2,3] one.
  const auto transposed = write_adapter(dir, config, {f32(kPeft + kQuery + ".lora_A.weight", {1, 2}, {1, 0}),
                                                      f32(kPeft + kQuery + ".lora_B.weight", {3, 1}, {1, 2, 3})}, "t");
  EXPECT_CONTAINS(refusal(dir, transposed), "gives a [3,2] update, but the checkpoint's '" + kQuery + ".weight' is [2,3]");
}

TEST(AdapterLora, EmbeddingUpdateIsBATransposed) {
  TempDir dir;
  write_model(dir);
  // A [1,4] = [[1,2,0,-1]], B [2,1] = [[1],[3]]: (B A)^T = [[1,3],[2,6],[0,0],[-1,-3]]; scaling 1.
  const std::string words = kPeft + "bert." + kWords;  // keyed as for BertForMaskedLM
  const auto adapter = write_adapter(dir, lora(1, {"word_embeddings"}),
                                     {f32(words + ".lora_embedding_A", {1, 4}, {1, 2, 0, -1}),
                                      f32(words + ".lora_embedding_B", {2, 1}, {1, 3})});
  expect_values(store_with(dir, {adapter}).get(kWords + ".weight", {4, 2}), {2, 5, 5, 10, 5, 6, 6, 5});
}

TEST(AdapterLora, BiasAllReplacesBaseLayerAndOtherBiases) {
  TempDir dir;
  write_model(dir);
  json config = lora(2);
  config["bias"] = "all";
  auto tensors = rank1_query();
  tensors.push_back(f32(kPeft + kQuery + ".base_layer.bias", {2}, {7, 8}));
  tensors.push_back(f32(kPeft + kOutput + ".bias", {2}, {9, 10}));
  WeightStore store = store_with(dir, {write_adapter(dir, config, tensors)});
  expect_values(store.get(kQuery + ".weight", {2, 3}), {3, 2, 7, 2, 5, 2});
  expect_values(store.get(kQuery + ".bias", {2}), {7, 8});
  expect_values(store.get(kOutput + ".bias", {2}), {9, 10});
  expect_values(store.get(kOutput + ".weight", {2, 3}), {1, 2, 3, 4, 5, 6});
  store.check_adapters_applied();
}

TEST(AdapterLora, BareKeysApplyToATaskModelCheckpointAndTheReverse) {
  TempDir prefixed;
  write_model(prefixed, "bert.");  // BertForSequenceClassification layout
  expect_values(store_with(prefixed, {write_adapter(prefixed, lora(2), rank1_query())}).get(kQuery + ".weight", {2, 3}),
                {3, 2, 7, 2, 5, 2});
  TempDir bare;
  write_model(bare);
  const auto adapter = write_adapter(bare, lora(2), rank1_query(kPeft + "bert."));
  expect_values(store_with(bare, {adapter}).get(kQuery + ".weight", {2, 3}), {3, 2, 7, 2, 5, 2});
}

TEST(AdapterLora, ModulesToSaveCopiesOfTaskHeadsAreIgnoredUnlessLoaded) {
  TempDir dir;
  write_model(dir);
  auto tensors = rank1_query();
  tensors.push_back(f32(kPeft + "classifier.modules_to_save.weight", {1, 2}, {5, 6}));
  WeightStore store = store_with(dir, {write_adapter(dir, lora(2), tensors)});
  store.get(kQuery + ".weight", {2, 3});
  store.check_adapters_applied();  // the head was never asked for
  expect_values(store.get("classifier.weight", {1, 2}), {5, 6});
}

TEST(AdapterIa3, FeedForwardScalesInputColumnsOtherModulesRowsAndBias) {
  TempDir dir;
  write_model(dir);
  // output.dense: l [1,3] = [[2,0.5,-1]]; query: l [2,1] = [[2],[-1]].
  const auto adapter = write_adapter(dir, ia3({"query", "output.dense"}, {"output.dense"}),
                                     {f32(kPeft + kOutput + ".ia3_l", {1, 3}, {2, 0.5f, -1}),
                                      f32(kPeft + kQuery + ".ia3_l", {2, 1}, {2, -1})});
  WeightStore store = store_with(dir, {adapter});
  expect_values(store.get(kOutput + ".weight", {2, 3}), {2, 1, -3, 8, 2.5, -6});
  expect_values(store.get(kOutput + ".bias", {2}), {1, 2});
  expect_values(store.get(kQuery + ".weight", {2, 3}), {2, 4, 6, -4, -5, -6});
  expect_values(store.get(kQuery + ".bias", {2}), {1, 0.5});
  store.check_adapters_applied();
}

TEST(AdapterIa3, FeedForwardModulesMatchBySuffixAsInPeft) {
  TempDir dir;
  write_model(dir);
  // "t.dense" is no dotted component of output.dense, but PEFT's endswith() still matches it.
  const auto adapter = write_adapter(dir, ia3({"output.dense"}, {"t.dense"}),
                                     {f32(kPeft + kOutput + ".ia3_l", {1, 3}, {2, 0.5f, -1})});
  expect_values(store_with(dir, {adapter}).get(kOutput + ".weight", {2, 3}), {2, 1, -3, 8, 2.5, -6});
  const auto regex = write_adapter(dir, ia3({"output.dense"}, ".*output\\.dense"),
                                   {f32(kPeft + kOutput + ".ia3_l", {1, 3}, {2, 0.5f, -1})}, "regex");
  expect_values(store_with(dir, {regex}).get(kOutput + ".weight", {2, 3}), {2, 1, -3, 8, 2.5, -6});
}

TEST(AdapterStore, AdaptersApplyInTheOrderGiven) {
  TempDir dir;
  write_model(dir);
  const auto lora1 = write_adapter(dir, lora(2), rank1_query(), "lora");
  const auto scale = write_adapter(dir, ia3({"query"}, json::array()), {f32(kPeft + kQuery + ".ia3_l", {2, 1}, {2, -1})}, "ia3");
  // (W + 2 B A) * l = [[3,2,7],[2,5,2]] rows * [2,-1]; then W * l + 2 B A.
  expect_values(store_with(dir, {lora1, scale}).get(kQuery + ".weight", {2, 3}), {6, 4, 14, -2, -5, -2});
  expect_values(store_with(dir, {scale, lora1}).get(kQuery + ".weight", {2, 3}), {4, 4, 10, -6, -5, -10});
}

TEST(AdapterStore, InfoNamesKindHashAndSummary) {
  TempDir dir;
  write_model(dir);
  json config = lora(2);
  config["bias"] = "all";
  auto tensors = rank1_query();
  tensors.push_back(f32(kPeft + kQuery + ".base_layer.bias", {2}, {7, 8}));
  const Adapter adapter = Adapter::open(write_adapter(dir, config, tensors));
  EXPECT_EQ(adapter.info().kind, AdapterKind::lora);
  EXPECT_EQ(adapter.info().path, (dir / "adapter").string());
  EXPECT_EQ(adapter.info().weights_hash, hash_file(dir / "adapter/adapter_model.safetensors"));
  EXPECT_EQ(adapter.info().summary, "lora r=1 alpha=2 on query + 1 replaced tensors (3 tensors)");
  const auto scale = write_adapter(dir, ia3({"query", "output.dense"}, {"output.dense"}),
                                   {f32(kPeft + kOutput + ".ia3_l", {1, 3}, {2, 0.5f, -1}),
                                    f32(kPeft + kQuery + ".ia3_l", {2, 1}, {2, -1})}, "ia3");
  EXPECT_EQ(Adapter::open(scale).info().summary, "ia3 on query,output.dense (2 tensors)");
  EXPECT_EQ(adapter_kind_name(AdapterKind::ia3), "ia3");
}

TEST(AdapterStore, AnEditMergedTwiceIsAnInternalError) {
  TempDir dir;
  write_model(dir);
  WeightStore store = store_with(dir, {write_adapter(dir, lora(2), rank1_query())});
  store.check_adapters_applied();  // nothing loaded yet: nothing to have applied
  store.get(kQuery + ".weight", {2, 3});
  store.get(kQuery + ".weight", {2, 3});
  try {
    store.check_adapters_applied();
    FAIL() << "no error";
  } catch (const InputError& e) {
    FAIL() << "an input error: " << e.what();
  } catch (const Error& e) {
    EXPECT_CONTAINS(e.what(), "was merged 2 times into '" + kQuery + ".weight', expected 1");
  }
}

TEST(AdapterRefusals, ConfigOptionsThatAreNoPlainMerge) {
  TempDir dir;
  write_model(dir);
  const auto with = [&](const std::string& key, const json& value) {
    json config = lora(2);
    config[key] = value;
    return refusal(dir, write_adapter(dir, config, rank1_query(), key));
  };
  EXPECT_CONTAINS(with("peft_type", "PREFIX_TUNING"),
                  "peft_type/adapter_config.json: peft_type 'PREFIX_TUNING' is not supported (polyrep merges LORA and IA3 adapters)");
  EXPECT_CONTAINS(with("use_dora", true), "use_dora: true (DoRA) is not supported");
  EXPECT_CONTAINS(with("alpha_pattern", {{"query", 4}}), "a non-empty alpha_pattern (per-module lora_alpha) is not supported");
  EXPECT_CONTAINS(with("lora_bias", true), "lora_bias: true is not supported");
  EXPECT_CONTAINS(with("bias", "some"), "bias \"some\" is not one of \"none\", \"all\", \"lora_only\"");
  EXPECT_CONTAINS(with("use_rslora", "yes"), "'use_rslora' is not true or false");
  auto tensors = rank1_query();
  tensors.push_back(f32(kPeft + kQuery + ".lora_magnitude_vector", {2}, {1, 1}));
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), tensors, "dora")), "is a DoRA magnitude vector; DoRA is not supported");
}

TEST(AdapterRefusals, BrokenTensorSets) {
  TempDir dir;
  write_model(dir);
  const auto tensors = rank1_query();
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), {tensors[0]}, "no-b")),
                  "adapter_model.safetensors: tensor '" + kPeft + kQuery + ".lora_A.weight' has no matching lora_B for module '" + kQuery + "'");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), {tensors[1]}, "no-a")), "has no matching lora_A");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), {tensors[0], f32(kPeft + kQuery + ".lora_B.weight", {2, 2}, {1, 2, 3, 4})}, "rank")),
                  "are not a rank-r pair [r, in] and [out, r]");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), {f32(kPeft + kQuery + ".lora_A.weight", {1, 4}, {1, 2, 3, 4}), tensors[1]}, "shape")),
                  "gives a [2,4] update, but the checkpoint's '" + kQuery + ".weight' is [2,3]");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), {f32(kPeft + "encoder.layer.7.attention.self.query.lora_A.weight", {1, 3}, {1, 0, 2}),
                                                            f32(kPeft + "encoder.layer.7.attention.self.query.lora_B.weight", {2, 1}, {1, -1})}, "other")),
                  "changes 'encoder.layer.7.attention.self.query.weight', which " + (dir / "model.safetensors").string() +
                      " does not hold (with or without prefixes 'bert.'); is the adapter for another base model?");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2, {"query", "key"}), tensors, "targets")),
                  "target_modules entry 'key' matches no module of " + (dir / "targets/adapter_model.safetensors").string() + " (its tensors are missing)");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), {tensors[0], tensors[1], f32(kPeft + kQuery + ".ia3_l", {2, 1}, {1, 1})}, "mixed")),
                  "does not belong in a lora adapter");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), {tensors[0], tensors[1], f32(kPeft + kQuery + ".lora_A.bias", {1}, {1})}, "part")),
                  "is not a LoRA or IA3 tensor polyrep can merge");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, lora(2), {tensors[0], tensors[1], f32(kPeft + kQuery + ".base_layer.bias", {2}, {1, 1}),
                                                            f32(kPeft + "bert." + kQuery + ".bias", {2}, {1, 1})}, "twice")),
                  "both change the checkpoint's '" + kQuery + ".bias'");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, ia3({"output.dense"}, {"output.dense"}), {f32(kPeft + kOutput + ".ia3_l", {2, 1}, {1, 1})}, "ia3")),
                  "has shape [2,1], but " + kOutput + " is a feed-forward module (feedforward_modules), whose IA3 vector is [1, in]");
  EXPECT_CONTAINS(refusal(dir, write_adapter(dir, ia3({"query"}, json()), {f32(kPeft + kQuery + ".ia3_l", {3, 1}, {1, 1, 1})}, "ia3-rows")),
                  "scales the 3 output rows of a weight, but the checkpoint's '" + kQuery + ".weight' is [2,3]");
}

TEST(AdapterRefusals, MissingFiles) {
  TempDir dir;
  write_model(dir);
  EXPECT_CONTAINS(refusal(dir, dir / "nowhere"), "nowhere: no such adapter directory");
  dir.write("only-weights/adapter_model.safetensors", "");
  EXPECT_CONTAINS(refusal(dir, dir / "only-weights"),
                  "only-weights: no adapter_config.json (a PEFT adapter directory holds adapter_config.json and adapter_model.safetensors)");
  dir.write("only-config/adapter_config.json", lora(2).dump());
  EXPECT_CONTAINS(refusal(dir, dir / "only-config"), "only-config: no adapter_model.safetensors");
  dir.write("pickle/adapter_config.json", lora(2).dump());
  dir.write("pickle/adapter_model.bin", "PK");
  EXPECT_CONTAINS(refusal(dir, dir / "pickle"), "adapter_model.bin: PyTorch pickle adapters are not loaded");
  dir.write("bad-json/adapter_config.json", "{");
  dir.write("bad-json/adapter_model.safetensors", "");
  EXPECT_CONTAINS(refusal(dir, dir / "bad-json"), "bad-json/adapter_config.json: malformed JSON");
}

TEST(AdapterRefusals, NothingIsAddedWhenAnAdapterIsRefused) {
  TempDir dir;
  write_model(dir);
  WeightStore store = store_with(dir, {});
  auto tensors = rank1_query();
  tensors.push_back(f32(kPeft + "encoder.layer.7.output.dense.bias", {2}, {1, 1}));  // matches nothing
  EXPECT_THROW(store.add_adapter(Adapter::open(write_adapter(dir, lora(2), tensors))), InputError);
  expect_values(store.get(kQuery + ".weight", {2, 3}), {1, 2, 3, 4, 5, 6});
  store.check_adapters_applied();
}

}  // namespace
}  // namespace polyrep::model
