#pragma once
/// Where `polyrep reduce` writes: `<stem>.reduce.h5` beside the extraction file `<stem>.h5`,
/// reached from the extraction file through the external link /reduce that `polyrep extract`
/// creates, so h5py users read `f["reduce/pca/tokens/projection"]` as if it were one file. reduce
/// opens the extraction file read-only and writes into `<results>.partial`, renamed over the
/// previous results only once complete: an interrupted reduce leaves the extracted data and the
/// previous results intact, and a re-run replaces its results without growing any file. The
/// results remember the extraction's `run_id`, so results left over from an earlier
/// extraction written to the same name are detected instead of being shown as current.
#include <filesystem>
#include <string>

#include "polyrep/h5/file.hpp"
#include "polyrep/schema/results.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::reduce {

/// `dir/name.h5` -> `dir/name.reduce.h5`.
std::filesystem::path results_path(const std::filesystem::path& extraction);

/// The external link's name in the extraction file and the group it points at in the results.
inline constexpr const char* kResultsGroup = schema::results_group;

struct ReduceFiles {
  std::filesystem::path extraction, results, partial;
  h5::File source;   // the extraction file, read-only
  h5::File target;   // the partial results file, writable
};

/// Collective: opens the extraction file read-only (it must be complete) and names the results
/// files; files.target stays closed. Errors are agreed on all ranks.
ReduceFiles open_reduce_source(const std::filesystem::path& extraction, const mpi::Comm& comm);

/// Collective: creates the partial results file, replacing a leftover partial (and its resume
/// record and journal, reduce_progress.hpp).
void create_reduce_target(ReduceFiles& files, const mpi::Comm& comm);

/// Collective: opens the existing partial results file for writing (a resumed reduce).
void open_reduce_target(ReduceFiles& files, const mpi::Comm& comm);

/// open_reduce_source, then create_reduce_target.
ReduceFiles open_reduce_files(const std::filesystem::path& extraction, const mpi::Comm& comm);

/// Collective: the extraction's identity (run_id; older files: their creation time), as the
/// results remember it in `source_run_id`.
std::string source_stamp(const ReduceFiles& files, const mpi::Comm& comm);

/// Collective: closes both files, stamps the results (`reduce_fingerprint` when not empty: what
/// `reduce --resume` compares to find nothing to do), moves the partial results over the final
/// name, removes the resume record and journal and, for an extraction file without the /reduce
/// link (written before polyrep had it), adds the link.
void commit_reduce_files(ReduceFiles& files, const mpi::Comm& comm, const std::string& fingerprint = "");

/// For readers (plot, inspect): the results file of `extraction` opened read-only and checked to
/// belong to it; InputError naming the file when it is missing, stale, incomplete or of a newer
/// schema (schema/version.hpp).
h5::File open_results(const std::filesystem::path& extraction);

}  // namespace polyrep::reduce
