#pragma once
/// `polyrep embeddings`: a model's input embedding tables written as extraction files, so that
/// `reduce` (PCA, t-SNE) and `plot` (report, figures) work on them unchanged. Each row of a table is
/// one "sentence" of one "token" whose layer-0 state is the row:
/// - the vocabulary file (`--out`): the word-embedding matrix, one row per piece (all, or those of
///   `--vocab-filter` scripts, or a `--vocab-sample`), /tokens/text the piece, /tokens/id its id,
///   grouped ("languages") by the piece's Unicode script, the tokenizer's specials as "special";
/// - the positions file (`--positions-out`, default `<out stem>.positions.h5`): one row per
///   position as the forward adds it (XLM-R's offset resolved, XGLM's sinusoids computed), in
///   groups of 64 consecutive positions, then the token-type rows (BERT, XLM-R) as "token types".
/// Root attributes say which table a file holds (`embedding_table`), whether positions are
/// learned, the scale XGLM's forward applies to word embeddings, and the adapters merged.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/extract/options.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::embeddings {

struct EmbeddingsOptions {
  std::filesystem::path model_dir;
  std::vector<std::filesystem::path> adapters;  // --adapter, merged in order (model/adapter.hpp)
  std::filesystem::path out;                    // the vocabulary file
  std::filesystem::path positions_out;          // empty = <out stem>.positions.h5
  std::int64_t vocab_sample = 0;                // 0 = every row that passes the filter
  std::string vocab_filter;                     // "" = all; "scripts=Latn,Cyrl,special"
  std::uint64_t seed = 0;
  extract::StorageType dtype = extract::StorageType::float32;
  bool overwrite = false;
  std::string command_line;
};

struct EmbeddingsSummary {
  std::filesystem::path vocabulary, positions;
  std::int64_t vocabulary_rows = 0, position_rows = 0;
  double seconds = 0;
};

/// Rank 0 does the work (the tables are small beside any extraction); every rank returns, or
/// throws the same error, together.
EmbeddingsSummary run_embeddings(const EmbeddingsOptions& options, const mpi::Comm& comm);

/// "<out without .h5>.positions.h5".
std::filesystem::path default_positions_path(const std::filesystem::path& out);

}  // namespace polyrep::embeddings
