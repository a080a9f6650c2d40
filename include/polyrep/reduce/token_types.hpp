#pragma once
/// `polyrep reduce --average-token-duplicates`: one point per distinct token per language (a
/// "token type"), placed at the mean of its occurrences, with the count kept, for plots about what
/// tokens mean rather than where each occurrence sits. Because PCA is affine, the mean of the
/// occurrences' PCA projections is the projection of their mean hidden state, so the types are
/// averaged in PCA space (/reduce/pca/tokens/projection) and share the tokens' components.
/// Ranks take whole languages, balanced by token count, so no partial sums cross ranks. Writes
/// /reduce/types/{lang, token_id, count, first_row} (sorted by language, then token id;
/// first_row is the row of the first occurrence in /tokens, e.g. for its text) and
/// /reduce/pca/types/projection [layer, type, K].
#include <cstdint>
#include <vector>

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::reduce {

struct ReduceFiles;

struct TokenTypesOptions {
  std::int64_t chunk_rows = 8192;  // token rows read per call
};

struct TokenTypesSummary {
  std::int64_t types = 0;
  std::int64_t tokens = 0;
};

/// Contiguous ranges of languages per rank: rank r gets [bounds[r], bounds[r+1]) of the languages
/// whose token counts are `counts`, so that each rank's token total is close to total/nranks.
std::vector<std::int64_t> split_languages(const std::vector<std::int64_t>& counts, int nranks);

/// Collective; needs the PCA of the tokens in files.target (run_pca_job first).
TokenTypesSummary run_token_types_job(ReduceFiles& files, const mpi::Comm& comm, const TokenTypesOptions& options);

}  // namespace polyrep::reduce
