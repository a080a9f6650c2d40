// PEFT adapters merged at load time (--adapter) against the checkpoints merged offline, in
// float64 numpy, by tools/make_adapter_fixtures.py: every layer's hidden states on the fixtures'
// reference batch agree, and differ from the base model's (so ignoring the adapter would fail).
// The fixtures store only the tensors the offline merge changed; the merged checkpoints are
// written here from the base model's tensors with those replaced. The task-model checkpoints
// (task prefix, head) are built here from the base models too and give exactly the base model's
// states; broken adapters are refused with an InputError that names the problem.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "polyrep/core/error.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep_test/test_paths.hpp"
#include "reference_file.hpp"
#include "safetensors_writer.hpp"
#include "temp_dir.hpp"
#include "test_device.hpp"

namespace polyrep::model {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::StTensor;

// Same order of operations on the same device; only the float32 rounding of the merged weights
// differs (~1e-7). cuBLAS may pick other kernels per shape: looser there.
const double kTolerance = test::test_device() == DeviceRequest::cuda ? 1e-4 : 1e-5;
const double kMinChange = 1e-3;

fs::path data(const std::string& relative) { return fs::path(test::kDataDir) / relative; }

struct Batch {
  at::Tensor ids, mask;
};

at::Tensor to_tensor(const test::Array<std::int64_t>& a) {
  std::vector<std::int64_t> shape(a.shape.begin(), a.shape.end());
  return at::from_blob(const_cast<std::int64_t*>(a.data.data()), shape, at::kLong).clone();
}

/// The reference batch (right-padded, HF's tokenizer) of base model `model`.
Batch reference_batch(const std::string& model) {
  const test::ReferenceFile ref(data("models/" + model + "/reference.h5").string());
  return {to_tensor(ref.int64("batch/input_ids")), to_tensor(ref.int64("batch/attention_mask"))};
}

std::vector<at::Tensor> states(const fs::path& dir, const Batch& batch, std::vector<fs::path> adapters = {}) {
  EncoderOptions options;
  options.device = test::test_device();
  options.adapters = std::move(adapters);
  std::vector<at::Tensor> out = load_encoder(dir, options)->forward(batch.ids, batch.mask);
  for (at::Tensor& s : out) s = s.cpu().to(at::kDouble);
  return out;
}

std::vector<double> per_layer_diff(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  std::vector<double> diffs;
  for (std::size_t l = 0; l < std::min(a.size(), b.size()); ++l)
    diffs.push_back((a[l] - b[l]).abs().max().item<double>());
  return diffs;
}

double largest(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// What a HuggingFace snapshot needs besides its weights (reference.h5 and the fixture notes stay
// with the base models).
const char* const kSnapshotFiles[] = {"config.json", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt",
                                      "sentencepiece.bpe.model"};

std::vector<StTensor> base_tensors(const std::string& model) {
  return test::read_safetensors(data("models/" + model + "/model.safetensors").string());
}

json base_config(const std::string& model) { return json::parse(std::ifstream(data("models/" + model + "/config.json"))); }

/// `dir` as a complete snapshot: base model `model`'s config (with `config_changes` merged in) and
/// tokenizer files, and `tensors` as its weights.
fs::path write_snapshot(const fs::path& dir, const std::string& model, const std::vector<StTensor>& tensors,
                        const json& config_changes = json::object()) {
  fs::create_directories(dir);
  for (const char* file : kSnapshotFiles)
    if (fs::exists(data("models/" + model) / file)) fs::copy_file(data("models/" + model) / file, dir / file);
  if (!config_changes.empty()) {
    json config = base_config(model);
    config.update(config_changes);
    std::ofstream(dir / "config.json", std::ios::trunc) << config.dump(2) << "\n";
  }
  test::write_safetensors((dir / "model.safetensors").string(), tensors);
  return dir;
}

/// The checkpoint merged offline: base model `model`'s tensors with those of
/// `merged`/merged_tensors.safetensors put in their place, written to `dir`. Throws (failing the
/// test) if that file is missing, empty, or holds a tensor the base model does not have, has in
/// another dtype or shape, or has with the same values (the file holds only what the merge changed).
fs::path write_merged_checkpoint(const fs::path& dir, const std::string& model, const fs::path& merged) {
  const fs::path file = merged / "merged_tensors.safetensors";
  if (!fs::is_regular_file(file))
    throw std::runtime_error(file.string() + " is missing (run tools/make_adapter_fixtures.py)");
  std::vector<StTensor> tensors = base_tensors(model);
  std::vector<StTensor> changed = test::read_safetensors(file.string());
  if (changed.empty()) throw std::runtime_error(file.string() + " holds no tensors");
  for (StTensor& t : changed) {
    auto base = std::find_if(tensors.begin(), tensors.end(), [&](const StTensor& b) { return b.name == t.name; });
    if (base == tensors.end())
      throw std::runtime_error(file.string() + ": tensor '" + t.name + "' is not in models/" + model);
    if (base->dtype != t.dtype || base->shape != t.shape)
      throw std::runtime_error(file.string() + ": tensor '" + t.name + "' has another dtype or shape than in models/" +
                               model);
    if (base->bytes == t.bytes)
      throw std::runtime_error(file.string() + ": tensor '" + t.name + "' is the same as in models/" + model);
    *base = std::move(t);
  }
  return write_snapshot(dir, model, tensors);
}

fs::path write_merged_checkpoint(const test::TempDir& dir, const std::string& model, const std::string& merged) {
  return write_merged_checkpoint(dir / merged, model, data("adapters/" + merged));
}

/// A float32 tensor of normal(0, 0.2) values (plus `offset`), the same on every run.
StTensor random_f32(std::mt19937& rng, const std::string& name, std::vector<std::int64_t> shape, float offset = 0) {
  std::normal_distribution<float> normal(0.0F, 0.2F);
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  std::vector<float> values(static_cast<std::size_t>(n));
  for (float& v : values) v = offset + normal(rng);
  return {name, "F32", std::move(shape), std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4)};
}

/// Base model `model`'s tensors under `prefix`, without those whose name starts with `drop`.
std::vector<StTensor> prefixed(const std::string& model, const std::string& prefix, const std::string& drop = "") {
  std::vector<StTensor> out;
  for (StTensor& t : base_tensors(model)) {
    if (!drop.empty() && t.name.rfind(drop, 0) == 0) continue;
    t.name = prefix + t.name;
    out.push_back(std::move(t));
  }
  return out;
}

/// The base model of task checkpoint `task`.
std::string task_model(const std::string& task) { return task.substr(0, task.find('-', task.find('-') + 1)); }

/// Task checkpoint `task` (tiny-bert-seqcls, tiny-bert-mlm, tiny-xlmr-seqcls, tiny-xglm-causallm)
/// written to `dir`/`task`: its base model's weights under the task model's prefix, next to a head
/// (random values), as the task model's save_pretrained stores them, with config `architectures`
/// set.
fs::path write_task_checkpoint(const test::TempDir& dir, const std::string& task) {
  std::mt19937 rng(1004);
  const std::string model = task_model(task);
  const json config = base_config(model);
  const json labels = {{"id2label", {{"0", "LABEL_0"}, {"1", "LABEL_1"}}}, {"label2id", {{"LABEL_0", 0}, {"LABEL_1", 1}}}};
  std::vector<StTensor> tensors;
  json changes;
  if (task == "tiny-bert-seqcls") {
    const std::int64_t h = config.at("hidden_size");
    tensors = prefixed(model, "bert.");
    tensors.push_back(random_f32(rng, "classifier.weight", {2, h}));
    tensors.push_back(random_f32(rng, "classifier.bias", {2}));
    changes = labels;
    changes["architectures"] = {"BertForSequenceClassification"};
  } else if (task == "tiny-bert-mlm") {
    // BertForMaskedLM has no pooler; its decoder weight and bias are tied to the word embeddings
    // and cls.predictions.bias, so save_pretrained leaves them out.
    const std::int64_t h = config.at("hidden_size"), vocab = config.at("vocab_size");
    tensors = prefixed(model, "bert.", "pooler.");
    tensors.push_back(random_f32(rng, "cls.predictions.transform.dense.weight", {h, h}));
    tensors.push_back(random_f32(rng, "cls.predictions.transform.dense.bias", {h}));
    tensors.push_back(random_f32(rng, "cls.predictions.transform.LayerNorm.weight", {h}, 1));
    tensors.push_back(random_f32(rng, "cls.predictions.transform.LayerNorm.bias", {h}));
    tensors.push_back(random_f32(rng, "cls.predictions.bias", {vocab}));
    changes["architectures"] = {"BertForMaskedLM"};
  } else if (task == "tiny-xlmr-seqcls") {
    const std::int64_t h = config.at("hidden_size");
    tensors = prefixed(model, "roberta.", "pooler.");
    tensors.push_back(random_f32(rng, "classifier.dense.weight", {h, h}));
    tensors.push_back(random_f32(rng, "classifier.dense.bias", {h}));
    tensors.push_back(random_f32(rng, "classifier.out_proj.weight", {2, h}));
    tensors.push_back(random_f32(rng, "classifier.out_proj.bias", {2}));
    changes = labels;
    changes["architectures"] = {"XLMRobertaForSequenceClassification"};
  } else if (task == "tiny-xglm-causallm") {
    tensors = prefixed(model, "model.");
    for (const StTensor& t : base_tensors(model))
      if (t.name == "embed_tokens.weight") tensors.push_back({"lm_head.weight", t.dtype, t.shape, t.bytes});  // tied
    if (tensors.back().name != "lm_head.weight") throw std::runtime_error("models/tiny-xglm has no embed_tokens.weight");
    changes["architectures"] = {"XGLMForCausalLM"};
  } else {
    throw std::invalid_argument("no task checkpoint " + task);
  }
  return write_snapshot(dir / task, model, tensors, changes);
}

struct MergeCase {
  const char* model;    // the base model of tests/data/models (reference batch)
  const char* task;     // the task checkpoint of it the adapter is applied to; nullptr: the model itself
  const char* adapter;  // under tests/data/adapters
  const char* merged;   // under tests/data/adapters: the tensors the offline merge changed
};

void PrintTo(const MergeCase& c, std::ostream* os) { *os << c.adapter << " on " << (c.task ? c.task : c.model); }

class AdapterMerge : public ::testing::TestWithParam<MergeCase> {};

TEST_P(AdapterMerge, EveryLayerMatchesTheOfflineMergedCheckpoint) {
  const MergeCase c = GetParam();
  test::TempDir dir("adapter");
  const fs::path checkpoint = c.task ? write_task_checkpoint(dir, c.task) : data(std::string("models/") + c.model);
  const std::string on = c.task ? std::string(c.task) + " (built from models/" + c.model + ")" : std::string("models/") + c.model;
  const Batch batch = reference_batch(c.model);
  const auto adapted = states(checkpoint, batch, {data(std::string("adapters/") + c.adapter)});
  const auto merged = states(write_merged_checkpoint(dir, c.model, c.merged), batch);
  const auto base = states(checkpoint, batch);
  const std::vector<double> diff = per_layer_diff(adapted, merged);
  for (std::size_t l = 0; l < diff.size(); ++l) EXPECT_LE(diff[l], kTolerance) << "layer " << l;
  const double change = largest(per_layer_diff(adapted, base));
  EXPECT_GT(change, kMinChange) << "the adapter did not change the hidden states";
  std::cout << "[adapter] " << c.adapter << " on " << on << ": max |merged at load - merged offline| = "
            << largest(diff) << " (per layer:";
  for (double d : diff) std::cout << " " << d;
  std::cout << "); max change against the base " << change << "\n";
  RecordProperty("max_abs_diff", std::to_string(largest(diff)));
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, AdapterMerge,
    ::testing::Values(MergeCase{"tiny-bert", nullptr, "tiny-bert-lora", "tiny-bert-lora-merged"},
                      MergeCase{"tiny-bert", "tiny-bert-seqcls", "tiny-bert-lora", "tiny-bert-lora-merged"},
                      MergeCase{"tiny-bert", "tiny-bert-mlm", "tiny-bert-lora", "tiny-bert-lora-merged"},
                      MergeCase{"tiny-xlmr", nullptr, "tiny-xlmr-ia3", "tiny-xlmr-ia3-merged"},
                      MergeCase{"tiny-xlmr", "tiny-xlmr-seqcls", "tiny-xlmr-ia3", "tiny-xlmr-ia3-merged"},
                      MergeCase{"tiny-xglm", nullptr, "tiny-xglm-lora", "tiny-xglm-lora-merged"},
                      MergeCase{"tiny-xglm", "tiny-xglm-causallm", "tiny-xglm-lora", "tiny-xglm-lora-merged"}),
    [](const ::testing::TestParamInfo<MergeCase>& info) {
      std::string name = std::string(info.param.adapter) + "_on_" + (info.param.task ? info.param.task : info.param.model);
      for (char& ch : name) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return name;
    });

TEST(AdapterTaskCheckpoints, GiveExactlyTheBaseModelsStates) {
  test::TempDir dir("adapter");
  for (const auto& [task, model] : std::vector<std::pair<std::string, std::string>>{
           {"tiny-bert-seqcls", "tiny-bert"}, {"tiny-bert-mlm", "tiny-bert"},
           {"tiny-xlmr-seqcls", "tiny-xlmr"}, {"tiny-xglm-causallm", "tiny-xglm"}}) {
    ASSERT_EQ(task_model(task), model);
    const Batch batch = reference_batch(model);
    const auto ours = states(write_task_checkpoint(dir, task), batch);
    const auto base = states(data("models/" + model), batch);
    ASSERT_EQ(ours.size(), base.size()) << task;
    for (std::size_t l = 0; l < ours.size(); ++l) EXPECT_TRUE(at::equal(ours[l], base[l])) << task << " layer " << l;
  }
}

/// The message of what `build` throws, or "(built)".
std::string build_error(const std::function<void()>& build) {
  try {
    build();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(built)";
}

TEST(AdapterMergedFixtures, HoldOnlyChangedTensorsOfTheBaseModelAndAreRequired) {
  test::TempDir dir("adapter");
  for (const auto& [merged, model] : std::vector<std::pair<std::string, std::string>>{
           {"tiny-bert-lora-merged", "tiny-bert"}, {"tiny-xlmr-ia3-merged", "tiny-xlmr"},
           {"tiny-xglm-lora-merged", "tiny-xglm"}}) {
    // Every stored tensor replaces a base tensor of the same dtype and shape, with other values.
    ASSERT_EQ(build_error([&, &merged = merged, &model = model] { write_merged_checkpoint(dir, model, merged); }), "(built)");
    // The other tensors are the base model's, byte for byte.
    const auto changed = test::read_safetensors(data("adapters/" + merged + "/merged_tensors.safetensors").string());
    const auto full = test::read_safetensors((dir / merged / "model.safetensors").string());
    const auto base = base_tensors(model);
    ASSERT_EQ(full.size(), base.size()) << merged;
    std::size_t replaced = 0;
    for (std::size_t i = 0; i < full.size(); ++i) {
      EXPECT_EQ(full[i].name, base[i].name);
      const bool is_changed = std::any_of(changed.begin(), changed.end(), [&](const StTensor& t) { return t.name == full[i].name; });
      replaced += is_changed;
      EXPECT_EQ(full[i].bytes == base[i].bytes, !is_changed) << merged << " " << full[i].name;
    }
    EXPECT_EQ(replaced, changed.size()) << merged;
  }

  const fs::path missing = dir / "missing";
  fs::create_directories(missing);
  EXPECT_CONTAINS(build_error([&] { write_merged_checkpoint(dir / "out1", "tiny-bert", missing); }),
                  (missing / "merged_tensors.safetensors").string() + " is missing");

  auto broken = [&](const std::string& name, const std::function<void(std::vector<StTensor>&)>& edit) {
    const fs::path folder = dir / name;
    fs::create_directories(folder);
    auto tensors = test::read_safetensors(data("adapters/tiny-bert-lora-merged/merged_tensors.safetensors").string());
    edit(tensors);
    test::write_safetensors((folder / "merged_tensors.safetensors").string(), tensors);
    return build_error([&] { write_merged_checkpoint(dir / (name + "-out"), "tiny-bert", folder); });
  };
  EXPECT_CONTAINS(broken("unknown", [](auto& t) { t[0].name = "bert." + t[0].name; }),
                  "tensor 'bert.encoder.layer.0.attention.self.query.weight' is not in models/tiny-bert");
  EXPECT_CONTAINS(broken("shape", [](auto& t) { t[0].shape = {32, 128}; }), "has another dtype or shape");
  EXPECT_CONTAINS(broken("same", [](auto& t) {
                    for (const StTensor& b : base_tensors("tiny-bert"))
                      if (b.name == t[0].name) t[0].bytes = b.bytes;
                  }),
                  "is the same as in models/tiny-bert");
  EXPECT_CONTAINS(broken("empty", [](auto& t) { t.clear(); }), "holds no tensors");
}

/// A copy of adapters/`name` in `dir`, to break.
fs::path copy_adapter(const fs::path& dir, const std::string& name) {
  fs::create_directories(dir);
  fs::copy(data("adapters/" + name), dir / name, fs::copy_options::recursive);
  return dir / name;
}

void edit_config(const fs::path& adapter, const std::function<void(json&)>& edit) {
  json config = json::parse(std::ifstream(adapter / "adapter_config.json"));
  edit(config);
  std::ofstream(adapter / "adapter_config.json", std::ios::trunc) << config.dump(2);
}

void edit_tensors(const fs::path& adapter, const std::function<void(std::vector<test::StTensor>&)>& edit) {
  const std::string file = (adapter / "adapter_model.safetensors").string();
  auto tensors = test::read_safetensors(file);
  edit(tensors);
  test::write_safetensors(file, tensors);
}

/// The message of the InputError loading `model` with `adapter` gives, or "(loaded)".
std::string refusal(const std::string& model, const fs::path& adapter) {
  try {
    EncoderOptions options;
    options.adapters = {adapter};
    load_encoder(data(model), options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(AdapterRefusals, BrokenCopiesOfTheFixtureAdapters) {
  test::TempDir dir;
  const fs::path config = copy_adapter(dir.path(), "tiny-bert-lora");
  fs::rename(config / "adapter_config.json", dir / "moved.json");
  EXPECT_CONTAINS(refusal("models/tiny-bert", config), "loading model weights: " + config.string() + ": no adapter_config.json");

  const fs::path type = copy_adapter(dir.path(), "tiny-xlmr-ia3");
  edit_config(type, [](json& c) { c["peft_type"] = "LOHA"; });
  EXPECT_CONTAINS(refusal("models/tiny-xlmr", type), "adapter_config.json: peft_type 'LOHA' is not supported");

  const fs::path missing = copy_adapter(dir.path(), "tiny-xglm-lora");
  edit_tensors(missing, [](auto& tensors) {
    tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                                 [](const auto& t) { return t.name == "base_model.model.model.layers.1.fc1.lora_B.weight"; }),
                  tensors.end());
  });
  EXPECT_CONTAINS(refusal("models/tiny-xglm", missing),
                  "tensor 'base_model.model.model.layers.1.fc1.lora_A.weight' has no matching lora_B for module 'model.layers.1.fc1'");

  EXPECT_CONTAINS(refusal("models/tiny-bert", data("adapters/tiny-xglm-lora")), "; is the adapter for another base model?");

  const fs::path targets = copy_adapter(dir / "t", "tiny-bert-lora");
  edit_config(targets, [](json& c) { c["target_modules"] = {"query", "key", "value"}; });
  EXPECT_CONTAINS(refusal("models/tiny-bert", targets), "target_modules entry 'key' matches no module");

  const fs::path truncated = copy_adapter(dir / "u", "tiny-bert-lora");
  fs::resize_file(truncated / "adapter_model.safetensors", 100);
  EXPECT_CONTAINS(refusal("models/tiny-bert", truncated), (truncated / "adapter_model.safetensors").string());
}

TEST(AdapterRefusals, ShapesThatDoNotFitTheBaseModel) {
  test::TempDir dir;
  const fs::path wide = copy_adapter(dir.path(), "tiny-bert-lora");
  const std::string a = "base_model.model.encoder.layer.1.attention.self.value.lora_A.weight";
  edit_tensors(wide, [&](auto& tensors) {
    for (auto& t : tensors)
      if (t.name == a) t = {a, "F32", {4, 128}, std::string(4 * 128 * 4, '\0')};
  });
  EXPECT_CONTAINS(refusal("models/tiny-bert", wide),
                  "gives a [64,128] update, but the checkpoint's 'encoder.layer.1.attention.self.value.weight' is [64,64]");
}

TEST(AdapterRefusals, TaskHeadsAreIgnoredWhereTheCheckpointHasThemAndRefusedWhereNot) {
  // An IA3 adapter trained with task_type SEQ_CLS also saves the classifier (modules_to_save).
  test::TempDir dir;
  const fs::path head = copy_adapter(dir.path(), "tiny-xlmr-ia3");
  edit_tensors(head, [](auto& tensors) {
    tensors.push_back({"base_model.model.classifier.modules_to_save.out_proj.weight", "F32", {2, 64}, std::string(2 * 64 * 4, '\0')});
  });
  EXPECT_CONTAINS(refusal("models/tiny-xlmr", head),
                  "changes 'classifier.out_proj.weight', which " + data("models/tiny-xlmr/model.safetensors").string() + " does not hold");
  const Batch batch = reference_batch("tiny-xlmr");
  const auto adapted = states(write_task_checkpoint(dir, "tiny-xlmr-seqcls"), batch, {head});
  EXPECT_LE(largest(per_layer_diff(adapted, states(write_merged_checkpoint(dir, "tiny-xlmr", "tiny-xlmr-ia3-merged"), batch))),
            kTolerance);
}

}  // namespace
}  // namespace polyrep::model
