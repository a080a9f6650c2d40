#pragma once
/// `polyrep reduce --pca K` on an extraction file: for every stored layer, a PCA of the token
/// states (/hidden/tokens) and of the mean-pooled sentence vectors (/hidden/sentences/mean).
/// Every rank reads a disjoint contiguous block of rows in chunks, the moments are merged in
/// double precision across ranks, the eigendecomposition is done identically on every rank, and
/// each rank projects and writes its own rows collectively. Results go under /reduce/pca/<name>/
/// (projection [layer, row, K], components [layer, K, hidden], mean [layer, hidden],
/// explained_variance and explained_variance_ratio [layer, K]) of the results file.
#include <cstdint>

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::reduce {

struct ReduceFiles;

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

/// Collective. Reads files.source, writes files.target (see results_file.hpp).
PcaJobSummary run_pca_job(ReduceFiles& files, const mpi::Comm& comm, const PcaJobOptions& options);

}  // namespace polyrep::reduce
