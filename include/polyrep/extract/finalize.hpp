#pragma once
/// The serial half of writing an extraction file, run by rank 0 after the collective half is
/// closed: the variable-length string datasets (languages, sentence texts, token pieces — streamed
/// in chunks, never held whole), the run's root attributes, then `complete = 1`, and finally the
/// atomic rename from the partial path to the requested one. A file without `complete = 1` is
/// never left under the final name.
#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace polyrep::corpus {
class Corpus;
}
namespace polyrep::tokenizer {
class Tokenizer;
}

namespace polyrep::extract {

struct Attribute {
  std::string name;
  std::variant<std::string, std::int64_t, double, std::vector<std::int64_t>> value;
};

struct FinalizeInput {
  const corpus::Corpus* corpus = nullptr;
  const std::vector<std::int64_t>* sample = nullptr;
  const tokenizer::Tokenizer* tokenizer = nullptr;
  std::vector<Attribute> attributes;
  std::int64_t chunk = 1 << 18;   // strings written per HDF5 call
};

void finalize_output(const std::filesystem::path& partial, const std::filesystem::path& final_path,
                     const FinalizeInput& input);

/// The end every extraction-schema file shares (extract, embeddings): opens `partial` for writing,
/// lets `write` add what the collective half could not (strings, attributes), links /reduce to
/// the results file of `final_path`, sets `complete = 1` last, closes and renames it to
/// `final_path`. Errors name the partial file (IoError for the rename).
void complete_file(const std::filesystem::path& partial, const std::filesystem::path& final_path,
                   const std::function<void(hid_t root)>& write);

/// "<out>.partial": where a run writes until it is complete.
std::filesystem::path partial_path(const std::filesystem::path& out);

}  // namespace polyrep::extract
