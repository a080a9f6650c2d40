#pragma once
/// What an extraction keeps: which hidden-state layers (`--layers all|0,6,12`, layer 0 being the
/// embedding output) and which sentence poolings (`--pooling mean,cls,max`). Pure parsing with
/// UsageError messages that name the flag, so bad values stop the run before any model is loaded.
#include <cstddef>
#include <cstdint>
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

/// --langs as split at the commas: UsageError when it names no language at all ("--langs ," or
/// "--langs ''"), which is a mistake rather than a request for every language ("all" says that).
void check_language_list(const std::vector<std::string>& languages);

/// --max-tokens against the tokenizer's template: 0 (the model's limit) or more than the
/// `specials` tokens every sentence gets (so that some text remains), and at most the model's
/// `limit`. Returns the resolved limit (never 0); UsageError naming --max-tokens otherwise.
std::size_t resolve_max_tokens(std::int64_t requested, std::size_t specials, std::size_t limit);

}  // namespace polyrep::extract
