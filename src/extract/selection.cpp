#include "polyrep/extract/selection.hpp"

#include <algorithm>
#include <sstream>

#include "polyrep/core/error.hpp"

namespace polyrep::extract {
namespace {

std::vector<std::string> split_commas(const std::string& spec) {
  std::vector<std::string> parts;
  std::stringstream in(spec);
  std::string part;
  while (std::getline(in, part, ',')) {
    part.erase(0, part.find_first_not_of(" \t"));
    part.erase(part.find_last_not_of(" \t") + 1);
    parts.push_back(part);
  }
  return parts;
}

int parse_layer_number(const std::string& text, int num_hidden_states) {
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size()) {
    throw UsageError("--layers: '" + text + "' is not a layer number (use all, or e.g. 0,6,12)");
  }
  if (value < 0) value += num_hidden_states;
  if (value < 0 || value >= num_hidden_states) {
    throw UsageError("--layers: layer " + text + " is out of range: this model has layers 0.." +
                     std::to_string(num_hidden_states - 1) + " (0 = embedding output)");
  }
  return value;
}

}  // namespace

std::string pooling_name(Pooling pooling) {
  switch (pooling) {
    case Pooling::mean: return "mean";
    case Pooling::first: return "cls";
    case Pooling::last: return "last";
    case Pooling::max: return "max";
  }
  return "mean";
}

std::vector<Pooling> parse_poolings(const std::string& spec) {
  std::vector<Pooling> out;
  for (const std::string& name : split_commas(spec)) {
    Pooling p;
    if (name == "mean") p = Pooling::mean;
    else if (name == "cls" || name == "first") p = Pooling::first;
    else if (name == "last") p = Pooling::last;
    else if (name == "max") p = Pooling::max;
    else throw UsageError("--pooling: unknown mode '" + name + "' (choose from mean, cls, first, last, max)");
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  if (out.empty()) throw UsageError("--pooling: no pooling mode given (e.g. --pooling mean,cls)");
  return out;
}

std::vector<int> parse_layers(const std::string& spec, int num_hidden_states) {
  std::vector<int> layers;
  if (spec == "all") {
    for (int l = 0; l < num_hidden_states; ++l) layers.push_back(l);
    return layers;
  }
  for (const std::string& part : split_commas(spec)) {
    layers.push_back(parse_layer_number(part, num_hidden_states));
  }
  if (layers.empty()) throw UsageError("--layers: no layer given (use all, or e.g. 0,6,12)");
  std::sort(layers.begin(), layers.end());
  layers.erase(std::unique(layers.begin(), layers.end()), layers.end());
  return layers;
}

void check_language_list(const std::vector<std::string>& languages) {
  if (languages.empty())
    throw UsageError("--langs: no language given (use all, or a comma list such as eng_Latn,fra_Latn)");
}

std::size_t resolve_max_tokens(std::int64_t requested, std::size_t specials, std::size_t limit) {
  if (requested == 0) return limit;
  const std::string flag = "--max-tokens " + std::to_string(requested);
  if (requested < 0) throw UsageError(flag + ": must not be negative (0 = the model's limit)");
  if (static_cast<std::size_t>(requested) <= specials)
    throw UsageError(flag + ": leaves no room for text beside the tokenizer's " + std::to_string(specials) +
                     " special tokens (at least " + std::to_string(specials + 1) + ", or 0 for the model's limit)");
  if (static_cast<std::size_t>(requested) > limit)
    throw UsageError(flag + ": above the model's limit of " + std::to_string(limit) + " tokens");
  return static_cast<std::size_t>(requested);
}

}  // namespace polyrep::extract
