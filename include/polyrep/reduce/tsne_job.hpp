#pragma once
/// The t-SNE half of `polyrep reduce`: one job per (layer, tokens|sentences|types), shared out over the
/// ranks by estimated cost (longest first, to the least-loaded rank), each run on that layer's
/// PCA projection (/reduce/pca/<name>/projection, so PCA runs first). Clouds larger than
/// `max_points` are subsampled, stratified by language, the same rows for every layer; the rows,
/// the 2-D layout and the final KL divergence of each layer go under /reduce/tsne/<name>/. Jobs
/// are seeded, so the file does not depend on the rank count.
#include <cstdint>
#include <string>
#include <vector>

#include "polyrep/reduce/tsne.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::reduce {

struct ReduceFiles;
struct ReduceProgress;

struct TsneJobOptions {
  TsneOptions tsne;                     // perplexity, iterations, seed, threads, ...
  std::int64_t max_points = 100000;     // --tsne-max-points
};

struct TsneJobSummary {
  int jobs = 0;
  int my_jobs = 0;
  std::int64_t token_points = 0;
  std::int64_t sentence_points = 0;
  std::int64_t type_points = 0;
};

/// Rows to keep from contiguous groups [offsets[g], offsets[g+1]) so that at most `max_points`
/// remain, each group keeping a share proportional to its size (at least one row of a non-empty
/// group); sorted, deterministic for a seed. All rows when the total fits.
std::vector<std::int64_t> stratified_rows(const std::vector<std::int64_t>& offsets,
                                          std::int64_t max_points, std::uint64_t seed);

/// Rank of each job: costs sorted descending (ties by index), each to the least-loaded rank.
std::vector<int> assign_jobs(const std::vector<double>& costs, int nranks);

/// Collective: the rows, embedding and kl_divergence datasets of each of `clouds` ("tokens",
/// "sentences", "types"; their PCA projection must exist), at their final size; checks the t-SNE
/// options against each cloud's point count.
void create_tsne_datasets(ReduceFiles& files, const mpi::Comm& comm, const TsneJobOptions& options,
                          const std::vector<std::string>& clouds);

/// Collective; reads the PCA projections from files.target (run_pca_job first) and the language
/// of each row from files.source. Without `progress`, creates the datasets of every cloud with a
/// projection and runs every job; with it, the datasets exist, jobs already done are skipped and
/// the rest run in rounds (every rank's r-th job), each round recorded.
TsneJobSummary run_tsne_job(ReduceFiles& files, const mpi::Comm& comm, const TsneJobOptions& options,
                            ReduceProgress* progress = nullptr);

}  // namespace polyrep::reduce
