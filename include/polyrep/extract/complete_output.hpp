#pragma once
/// `extract --resume` of a complete file does nothing, but only when the file holds what this run
/// would write: the launchers pass --resume on every start, so a job submitted again with another
/// --seed or --layers must not be told "nothing to do" and left with the old file. The check
/// compares the root attributes that name the inputs (model, corpus, split, languages, sample,
/// seed, layers, pooling, dtype, max tokens) with those this run would write; it needs the model
/// loaded, not the corpus tokenized nor the weights hashed, so it stays cheap.
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/extract/finalize.hpp"

namespace polyrep::extract {

/// "" when the complete file `out` was made from the inputs `attributes` (this run's root
/// attributes) and `languages` name; else the first difference as "--seed was '0', is '7'".
std::string complete_output_change(const std::filesystem::path& out, const std::vector<Attribute>& attributes,
                                   const std::vector<std::string>& languages);

}  // namespace polyrep::extract
