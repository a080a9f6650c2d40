#include "polyrep/model/config.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model_test_util.hpp"
#include "polyrep/core/error.hpp"

namespace polyrep::model {
namespace {

using testing::TempDir;
using testing::fixture;
using testing::write_text;

nlohmann::json bert_json() {
  return {{"model_type", "bert"},       {"architectures", {"BertForMaskedLM"}},
          {"num_hidden_layers", 12},    {"hidden_size", 768},
          {"num_attention_heads", 12},  {"intermediate_size", 3072},
          {"max_position_embeddings", 512}, {"vocab_size", 119547},
          {"type_vocab_size", 2},       {"pad_token_id", 0},
          {"layer_norm_eps", 1e-12},    {"hidden_act", "gelu"}};
}

/// The InputError message load_config gives for `config`, or "" when it loads.
std::string error_for(const std::string& text) {
  TempDir dir;
  write_text(dir.path() / "config.json", text);
  try {
    load_config(dir.path() / "config.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, ReadsTheFixtureConfigs) {
  ModelConfig bert = load_config(fixture("tiny-bert") / "config.json");
  EXPECT_EQ(bert.model_type, "bert");
  EXPECT_EQ(bert.architecture, "BertModel");
  EXPECT_EQ(bert.num_layers, 2);
  EXPECT_EQ(bert.hidden_size, 64);
  EXPECT_EQ(bert.num_heads, 4);
  EXPECT_EQ(bert.intermediate_size, 128);
  EXPECT_EQ(bert.max_position_embeddings, 512);
  EXPECT_EQ(bert.vocab_size, 8574);
  EXPECT_EQ(bert.type_vocab_size, 2);
  EXPECT_EQ(bert.pad_token_id, 0);
  EXPECT_DOUBLE_EQ(bert.layer_norm_eps, 1e-12);
  EXPECT_EQ(bert.activation, "gelu");
  EXPECT_EQ(bert.max_sequence_length(), 512);

  ModelConfig xlmr = load_config(fixture("tiny-xlmr") / "config.json");
  EXPECT_EQ(xlmr.model_type, "xlm-roberta");
  EXPECT_EQ(xlmr.pad_token_id, 1);
  EXPECT_EQ(xlmr.type_vocab_size, 1);
  EXPECT_DOUBLE_EQ(xlmr.layer_norm_eps, 1e-5);
  EXPECT_EQ(xlmr.max_position_embeddings, 514);
  EXPECT_EQ(xlmr.max_sequence_length(), 512);

  ModelConfig xglm = load_config(fixture("tiny-xglm") / "config.json");
  EXPECT_EQ(xglm.model_type, "xglm");
  EXPECT_EQ(xglm.architecture, "XGLMModel");
  EXPECT_EQ(xglm.num_layers, 2);
  EXPECT_EQ(xglm.hidden_size, 64);
  EXPECT_EQ(xglm.num_heads, 4);
  EXPECT_EQ(xglm.intermediate_size, 128);
  EXPECT_EQ(xglm.vocab_size, 2508);
  EXPECT_EQ(xglm.pad_token_id, 1);
  EXPECT_TRUE(xglm.scale_embedding);
  EXPECT_DOUBLE_EQ(xglm.layer_norm_eps, 1e-5);
  EXPECT_EQ(xglm.max_sequence_length(), 2048);
}

TEST(Config, OptionalKeysTakeHuggingFaceDefaults) {
  auto j = bert_json();
  j.erase("type_vocab_size");
  j.erase("layer_norm_eps");
  j.erase("hidden_act");
  j.erase("architectures");
  TempDir dir;
  write_text(dir.path() / "config.json", j.dump());
  ModelConfig c = load_config(dir.path() / "config.json");
  EXPECT_EQ(c.type_vocab_size, 2);
  EXPECT_DOUBLE_EQ(c.layer_norm_eps, 1e-12);
  EXPECT_EQ(c.activation, "gelu");
  EXPECT_EQ(c.architecture, "");
}

TEST(Config, MissingKeyIsNamed) {
  auto j = bert_json();
  j.erase("num_hidden_layers");
  std::string msg = error_for(j.dump());
  EXPECT_NE(msg.find("config.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'num_hidden_layers'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST(Config, IllTypedKeyIsNamed) {
  auto j = bert_json();
  j["hidden_size"] = "768";
  std::string msg = error_for(j.dump());
  EXPECT_NE(msg.find("'hidden_size'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("integer"), std::string::npos) << msg;

  j = bert_json();
  j["layer_norm_eps"] = "small";
  EXPECT_NE(error_for(j.dump()).find("'layer_norm_eps'"), std::string::npos);

  j = bert_json();
  j["num_attention_heads"] = 12.5;
  EXPECT_NE(error_for(j.dump()).find("'num_attention_heads'"), std::string::npos);
}

TEST(Config, InconsistentValuesAreRejected) {
  auto j = bert_json();
  j["num_attention_heads"] = 7;  // does not divide 768
  EXPECT_NE(error_for(j.dump()).find("'num_attention_heads'"), std::string::npos);
  j = bert_json();
  j["num_hidden_layers"] = 0;
  EXPECT_NE(error_for(j.dump()).find("positive"), std::string::npos);
  j = bert_json();
  j["hidden_act"] = "swish";
  std::string msg = error_for(j.dump());
  EXPECT_NE(msg.find("'hidden_act'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("swish"), std::string::npos) << msg;
  j = bert_json();
  j["position_embedding_type"] = "relative_key";
  EXPECT_NE(error_for(j.dump()).find("relative_key"), std::string::npos);
}

TEST(Config, MalformedJsonNamesTheFile) {
  std::string msg = error_for("{\"model_type\": \"bert\", ");
  EXPECT_NE(msg.find("config.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed JSON"), std::string::npos) << msg;
  EXPECT_NE(error_for("[1, 2]").find("object"), std::string::npos);
}

TEST(Config, UnknownModelTypeListsTheSupportedOnes) {
  auto j = bert_json();
  j["model_type"] = "gpt2";
  std::string msg = error_for(j.dump());
  EXPECT_NE(msg.find("'gpt2'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bert, xlm-roberta, xglm"), std::string::npos) << msg;
  j.erase("model_type");
  EXPECT_NE(error_for(j.dump()).find("'model_type'"), std::string::npos);
}

TEST(Config, MissingFileIsAnInputError) {
  TempDir dir;
  EXPECT_THROW(load_config(dir.path() / "config.json"), InputError);
}

}  // namespace
}  // namespace polyrep::model
