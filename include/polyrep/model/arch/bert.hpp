#pragma once
/// BERT and XLM-RoBERTa encoders (HF BertModel / XLMRobertaModel, eager attention). Both are the
/// same post-LayerNorm encoder; they differ only in position ids (BERT: 0..T-1; XLM-R:
/// pad_token_id + 1 + i for real tokens, pad_token_id for padding).
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

#include "polyrep/model/config.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep/model/size_check.hpp"
#include "polyrep/model/layers.hpp"
#include "polyrep/model/weights.hpp"

namespace polyrep::model::arch {

/// Checkpoint name prefixes of hub task models built on BertModel / XLMRobertaModel.
std::vector<std::string> bert_prefixes(const ModelConfig& config);

/// The tensors whose shapes follow from config.json (embeddings, the last layer): see size_check.hpp.
std::vector<SizeProbe> bert_size_probes(const ModelConfig& config);

std::unique_ptr<Encoder> make_bert(const ModelConfig& config, const WeightStore& store,
                                   const Target& target);

}  // namespace polyrep::model::arch
