#pragma once
/// XGLM decoder (HF XGLMModel, eager attention): scaled token embeddings plus fairseq sinusoidal
/// positions (offset 2), pre-LayerNorm causal decoder layers, and a final LayerNorm that HF applies
/// to the last hidden state only.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "polyrep/model/config.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep/model/size_check.hpp"
#include "polyrep/model/layers.hpp"
#include "polyrep/model/weights.hpp"

namespace polyrep::model::arch {

std::vector<std::string> xglm_prefixes();

/// The fairseq/HF sinusoidal table [rows, dim]: row p holds [sin(p*f), cos(p*f)] with
/// f = exp(-log(10000)/(dim/2-1) * k), and row padding_idx zeroed.
at::Tensor sinusoidal_table(std::int64_t rows, std::int64_t dim, std::int64_t padding_idx);

/// The tensors whose shapes follow from config.json (embeddings, the last layer): see size_check.hpp.
std::vector<SizeProbe> xglm_size_probes(const ModelConfig& config);

std::unique_ptr<Encoder> make_xglm(const ModelConfig& config, const WeightStore& store,
                                   const Target& target);

}  // namespace polyrep::model::arch
