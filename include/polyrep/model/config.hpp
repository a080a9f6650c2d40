#pragma once
/// Model hyper-parameters read from a HuggingFace `config.json`, as one plain struct (llama.cpp
/// style) shared by every architecture. The three supported families name their keys differently
/// (BERT/XLM-R: `num_hidden_layers`, `hidden_size`, ...; XGLM: `num_layers`, `d_model`, ...);
/// load_config() maps them onto the same fields so that the rest of polyrep never looks at JSON.
#include <filesystem>
#include <string>
#include <vector>

namespace polyrep::model {

struct ModelConfig {
  std::string model_type;    // "bert" | "xlm-roberta" | "xglm"
  std::string architecture;  // config "architectures"[0] if present, else empty
  int num_layers = 0;
  int hidden_size = 0;
  int num_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 0;
  int vocab_size = 0;
  int type_vocab_size = 0;  // 0 for xglm (no token-type embeddings)
  int pad_token_id = 0;
  double layer_norm_eps = 1e-12;
  std::string activation = "gelu";  // "gelu" | "gelu_new" | "relu"
  bool scale_embedding = false;     // xglm: embeddings multiplied by sqrt(hidden_size)

  /// Usable tokens per sequence, specials included: bert = max_position_embeddings;
  /// xlm-roberta = max_position_embeddings - pad_token_id - 1 (514 -> 512, because position ids
  /// start after the padding index); xglm = max_position_embeddings.
  int max_sequence_length() const;
};

/// The model_type values load_config() accepts.
const std::vector<std::string>& supported_model_types();

/// Only config.json's model_type, for what needs no model (tokenizing): "" when the file or the
/// key is absent (a tokenizer-only directory); InputError naming the file when it is not JSON.
std::string read_model_type(const std::filesystem::path& config_json);

/// Parses and validates a config.json. Throws InputError naming the file and the key on a missing
/// or ill-typed key, malformed JSON, or an unsupported model_type (listing the supported ones).
ModelConfig load_config(const std::filesystem::path& config_json);

}  // namespace polyrep::model
