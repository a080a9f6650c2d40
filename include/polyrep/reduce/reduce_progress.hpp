#pragma once
/// Durable progress of `polyrep reduce`, so that a killed reduce keeps the jobs it finished and
/// `reduce --resume` runs only the rest. The design is extract's (extract/checkpoint.hpp), per job
/// instead of per window:
///
/// 1. Before a job writes, every dataset it writes into exists at its final size (contiguous,
///    allocated at creation, never filled) and the results file has been closed once; rank 0 has
///    saved the file's metadata bytes and the reduce's fingerprint in `<results>.partial.resume`.
///    The jobs then write raw data only.
/// 2. After each job (a PCA layer of one cloud, or one t-SNE round of every rank) the file is
///    flushed and rank 0 appends the finished jobs to `<results>.partial.done`.
/// 3. `--resume` puts the metadata back (undoing whatever a kill left half-written), skips the
///    jobs in the journal and runs the others, at any number of ranks.
///
/// There are two stages, because the token-types cloud's size is known only once its job ran:
/// stage 1 creates the PCA and t-SNE datasets of the token and sentence clouds; the types job then
/// creates its own datasets and the t-SNE datasets of its cloud, and the record is saved again
/// (stage 2). A record at stage 2 therefore means the types job is done.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/extract/checkpoint.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::reduce {

struct ReduceFiles;

/// The jobs of one reduce in a fixed order, which numbers them in the journal: PCA per (cloud,
/// layer) of the clouds the extraction has, the token-types job (one, all layers), t-SNE per
/// (cloud, layer) of every cloud with a PCA (the types cloud last).
struct ReduceJobs {
  std::vector<std::string> pca_clouds;   // "tokens", "sentences": those in the extraction
  bool types = false;                    // --average-token-duplicates
  bool tsne = false;
  std::int64_t layers = 0;

  std::vector<std::string> tsne_clouds() const;
  std::int64_t count() const;
  std::int64_t pca_job(std::size_t cloud, std::int64_t layer) const;
  std::int64_t types_job() const;         // -1 without types
  std::int64_t tsne_job(std::size_t cloud, std::int64_t layer) const;
};

/// Where a reduce stands: its record (fingerprint, saved metadata, stage) and the finished jobs.
struct ReduceProgress {
  ReduceJobs jobs;
  extract::ResumeRecord record;
  std::vector<bool> done;       // per job index
  int stage = 0;                // 0: nothing saved yet; 1, 2 as above
  std::int64_t done_before = 0; // jobs finished by earlier runs

  bool is_done(std::int64_t job) const { return job >= 0 && done[static_cast<std::size_t>(job)]; }
};

/// How a reduce starts, given what an earlier one left beside the extraction.
enum class ReduceStart {
  fresh,           // from the beginning: files.target created, progress empty
  resumed,         // --resume of a partial results file with the same fingerprint: files.target open
  nothing_to_do,   // --resume, and the results are complete and made with the same fingerprint
};

/// Collective; rank 0 decides and logs. With `resume`: a resume record beside the partial results
/// is checked against `fingerprint` (UsageError naming the first change), its metadata restored
/// and its journal read; without a record it starts from the beginning with a notice, or finds
/// nothing to do. Without `resume`, an unfinished reduce is discarded with a warning: re-running
/// reduce replaces results, as it always has.
ReduceStart begin_progress(ReduceFiles& files, ReduceProgress& progress, const extract::Fingerprint& fingerprint,
                           bool resume, const mpi::Comm& comm);

/// The `reduce_fingerprint` attribute of results made with `fingerprint`.
std::string fingerprint_text(const extract::Fingerprint& fingerprint);

/// Collective. Closes files.target, saves its metadata and `fingerprint` as stage `stage` on rank
/// 0, reopens it. IoError naming the file on failure, on every rank.
void save_stage(ReduceFiles& files, ReduceProgress& progress, int stage, const mpi::Comm& comm);

/// Collective. Flushes files.target and appends `finished` (job indices from every rank; -1 =
/// none) to the journal on rank 0; marks them done.
void record_jobs(ReduceFiles& files, ReduceProgress& progress, const std::vector<std::int64_t>& finished,
                 const mpi::Comm& comm);

/// Collective, between jobs: when a stop signal reached any rank (core/stop.hpp), Interrupted on
/// every rank ("stopped by signal N after J of T reduce jobs; resumable: rerun with --resume").
void stop_if_asked(const ReduceProgress& progress, const mpi::Comm& comm);

/// Serial (rank 0), before the partial results file is opened by the ranks: puts the record's
/// metadata back into it and reads the journal. The record's stage is in its context.
void restore_progress(const std::filesystem::path& partial, const std::filesystem::path& journal,
                      ReduceProgress& progress);

/// "stage" in a record's context (reduce has no warn-only inputs: the context holds only this).
int stage_of(const extract::ResumeRecord& record);

}  // namespace polyrep::reduce
