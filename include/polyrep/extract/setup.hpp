#pragma once
/// The prepare stage of an extraction: what every rank holds before any sentence is counted —
/// the tokenizer and model, the opened corpus and its sample, the parsed layer and pooling
/// choices, and the checked output path. All checks are agreed across ranks, so a bad model file
/// or flag yields one error on every rank before any collective I/O starts.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "polyrep/corpus/corpus.hpp"
#include "polyrep/extract/options.hpp"
#include "polyrep/extract/selection.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::extract {

struct Setup {
  std::unique_ptr<tokenizer::Tokenizer> tokenizer;
  std::unique_ptr<model::Encoder> encoder;
  std::unique_ptr<corpus::Corpus> corpus;
  std::vector<std::int64_t> sample;   // sorted line indices, the same in every language
  std::vector<int> layers;
  std::vector<Pooling> poolings;
  std::size_t max_tokens = 0;         // resolved: never 0
  int threads = 1;
  std::filesystem::path partial;      // where the file is written until complete

  std::int64_t total_sentences() const {
    return static_cast<std::int64_t>(sample.size() * corpus->languages().size());
  }
};

Setup prepare(const ExtractOptions& options, const mpi::Comm& comm);

/// Refuses an existing --out without --overwrite, a missing or unwritable directory, a directory
/// given as --out. Run on one rank.
void check_output_path(const std::filesystem::path& out, bool overwrite);

/// Intra-op threads per rank when --threads is 0: the node's cores shared among its ranks.
int default_threads(const mpi::Comm& comm);

}  // namespace polyrep::extract
