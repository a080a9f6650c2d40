#pragma once
/// config.json's sizes checked against the weights before anything is allocated. The config's
/// numbers (hidden size, layer count, vocabulary, ...) decide every shape the model asks the
/// weights for, so a wrong or absurd value (hidden_size 10^9, num_hidden_layers 10^6) must end in
/// one message naming config.json and the key, never in an attempt to allocate terabytes or in a
/// run that loads most layers first. Each architecture names a few probe tensors whose shapes
/// follow from the config (the embeddings, the last layer); only their headers are read.
#include <cstdint>
#include <string>
#include <vector>

#include "polyrep/model/weights.hpp"

namespace polyrep::model {

struct SizeProbe {
  std::string tensor;               // bare name, as WeightStore::get takes it
  std::vector<std::int64_t> shape;  // the shape the config implies
  std::string settings;             // the config values that imply it: "vocab_size = 8574, hidden_size = 64"
};

/// InputError naming `config_file` and the probe's settings when a probe tensor is absent
/// ("num_hidden_layers = 1000000 asks for tensor 'encoder.layer.999999...', which
/// model.safetensors does not hold") or has another shape.
void check_sizes(const std::string& config_file, const std::vector<SizeProbe>& probes,
                 const WeightStore& store);

/// "[8574,64]".
std::string shape_text(const std::vector<std::int64_t>& shape);

}  // namespace polyrep::model
