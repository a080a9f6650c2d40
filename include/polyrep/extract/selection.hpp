#pragma once
/// What an extraction keeps: which hidden-state layers (`--layers all|0,6,12`, layer 0 being the
/// embedding output) and which sentence poolings (`--pooling mean,cls,max`). Pure parsing with
/// UsageError messages that name the flag, so bad values stop the run before any model is loaded.
#include <string>
#include <vector>

namespace polyrep::extract {

enum class Pooling { mean, first, last, max };

/// Dataset name of a pooling under /hidden/sentences ("mean", "cls", "last", "max").
/// `first` is stored as "cls": what BERT users call it; for XGLM it is the prepended </s>.
std::string pooling_name(Pooling pooling);

/// "mean,cls,max" -> {mean, first, max}; accepts mean, cls, first, last, max; duplicates removed,
/// order kept. Empty or unknown -> UsageError naming --pooling.
std::vector<Pooling> parse_poolings(const std::string& spec);

/// "all" -> 0..num_hidden_states-1; "0,6,12" -> those (sorted, unique); "-1" is the last layer.
/// Out of range -> UsageError naming --layers and the model's range.
std::vector<int> parse_layers(const std::string& spec, int num_hidden_states);

}  // namespace polyrep::extract
