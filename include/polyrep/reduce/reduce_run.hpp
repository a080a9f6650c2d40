#pragma once
/// One `polyrep reduce` run: open the extraction and a partial results file, PCA per layer,
/// optionally the token-types cloud and t-SNE, then commit the results file. With `metrics` set,
/// each rank's time in those phases (and its share of t-SNE jobs) goes to a JSON record (see
/// metrics/run_metrics.hpp) after the commit. Every job (a PCA layer of a cloud, the token
/// types, a t-SNE layer of a cloud) is recorded as it finishes, so that a killed reduce is
/// finished by `--resume` (reduce_progress.hpp); SIGTERM, SIGINT or SIGUSR1 stop it after the
/// current job, resumable (Interrupted).
#include <filesystem>

#include "polyrep/reduce/pca_job.hpp"
#include "polyrep/reduce/tsne_job.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::reduce {

struct ReduceOptions {
  std::filesystem::path file;           // the extraction file
  PcaJobOptions pca;
  bool token_types = false;             // --average-token-duplicates
  bool tsne = false;
  TsneJobOptions tsne_options;
  std::filesystem::path metrics;        // --metrics; empty = none
  bool resume = false;                  // --resume: keep the jobs an unfinished reduce finished
};

struct ReduceSummary {
  PcaJobSummary pca;
  TsneJobSummary tsne;
  double seconds = 0;
};

/// Collective. Errors as the jobs it runs (UsageError, InputError naming the file, IoError).
ReduceSummary run_reduce(const ReduceOptions& options, const mpi::Comm& comm);

}  // namespace polyrep::reduce
