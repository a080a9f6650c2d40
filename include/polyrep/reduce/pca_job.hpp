#pragma once
/// `polyrep reduce --pca K` on an extraction file: for every stored layer, a PCA of the token
/// states (/hidden/tokens) and of the mean-pooled sentence vectors (/hidden/sentences/mean).
/// Every rank reads a disjoint contiguous block of rows in chunks, the moments are merged in
/// double precision across ranks, the eigendecomposition is done identically on every rank, and
/// each rank projects and writes its own rows collectively. Results go under /reduce/pca/<name>/
/// (projection [layer, row, K], components [layer, K, hidden], mean [layer, hidden],
/// explained_variance and explained_variance_ratio [layer, K]) of the results file.
#include <cstdint>
#include <string>
#include <vector>

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::reduce {

struct ReduceFiles;
struct ReduceProgress;

struct PcaJobOptions {
  int components = 50;              // --pca; clipped to min(hidden, rows)
  std::int64_t chunk_rows = 8192;   // rows read or written per call (bounds memory per rank)
};

struct PcaJobSummary {
  int layers = 0;
  int components = 0;
  std::int64_t token_rows = 0;
  std::int64_t sentence_rows = 0;
  bool all_writes_collective = true;
};

/// The clouds of files.source that get a PCA: "tokens", "sentences" (mean-pooled), those present.
std::vector<std::string> pca_clouds(const ReduceFiles& files);

/// Collective: every PCA dataset of those clouds, at its final size, in files.target.
void create_pca_datasets(ReduceFiles& files, const mpi::Comm& comm, const PcaJobOptions& options);

/// Collective. Reads files.source, writes files.target (see results_file.hpp). Without
/// `progress`, creates the datasets first and runs every layer; with it, the datasets exist
/// (create_pca_datasets), layers already done are skipped and each finished layer is recorded.
PcaJobSummary run_pca_job(ReduceFiles& files, const mpi::Comm& comm, const PcaJobOptions& options,
                          ReduceProgress* progress = nullptr);

}  // namespace polyrep::reduce
