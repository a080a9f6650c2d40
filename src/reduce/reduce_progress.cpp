#include "polyrep/reduce/reduce_progress.hpp"

#include <algorithm>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/extract/resume.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/core/stop.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/schema/attributes.hpp"

namespace polyrep::reduce {
namespace fs = std::filesystem;

std::vector<std::string> ReduceJobs::tsne_clouds() const {
  if (!tsne) return {};
  std::vector<std::string> clouds = pca_clouds;
  if (types) clouds.push_back("types");
  return clouds;
}

std::int64_t ReduceJobs::count() const {
  return std::int64_t(pca_clouds.size()) * layers + (types ? 1 : 0) + std::int64_t(tsne_clouds().size()) * layers;
}

std::int64_t ReduceJobs::pca_job(std::size_t cloud, std::int64_t layer) const { return std::int64_t(cloud) * layers + layer; }

std::int64_t ReduceJobs::types_job() const { return types ? std::int64_t(pca_clouds.size()) * layers : -1; }

std::int64_t ReduceJobs::tsne_job(std::size_t cloud, std::int64_t layer) const {
  return std::int64_t(pca_clouds.size()) * layers + (types ? 1 : 0) + std::int64_t(cloud) * layers + layer;
}

int stage_of(const extract::ResumeRecord& record) {
  for (const auto& [name, value] : record.context.entries) {
    if (name == "stage") return std::stoi(value);
  }
  return 0;
}

namespace {

// The raw bytes of every dataset in the closed file: what the jobs write, and so what a restore
// must leave alone.
std::vector<extract::ByteRange> raw_extents(const fs::path& path) {
  h5::File file = h5::File::open(path, false);
  std::vector<extract::ByteRange> out;
  for (const std::string& name : h5::dataset_paths(file.id())) {
    h5::Dataset ds = h5::Dataset::open(file.id(), name);
    const auto [offset, bytes] = ds.storage_extent();
    if (bytes > 0) out.push_back({offset, bytes});
    ds.close();
  }
  file.close();
  return out;
}

}  // namespace

void save_stage(ReduceFiles& files, ReduceProgress& progress, int stage, const mpi::Comm& comm) {
  mpi::agree(comm, [&] { files.target.close(); });
  const extract::ResumePaths paths = extract::resume_paths(files.results);
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    extract::ResumeRecord& r = progress.record;
    r.context = {};
    r.context.add("stage", std::to_string(stage));
    r.windows = progress.jobs.count();
    r.metadata.clear();
    r.metadata_bytes.clear();
    extract::snapshot_metadata(files.partial, raw_extents(files.partial), r);
    extract::write_resume_record(paths.record, r);
  });
  progress.stage = stage;
  files.target = mpi::agree(comm, [&] { return h5::File::open_parallel(files.partial, comm, true); });
}

void record_jobs(ReduceFiles& files, ReduceProgress& progress, const std::vector<std::int64_t>& finished,
                 const mpi::Comm& comm) {
  std::vector<std::int64_t> jobs;
  for (std::int64_t j : finished) {
    if (j >= 0) jobs.push_back(j);
  }
  // Raw data on disk (H5Fflush syncs the MPI-IO file) before the journal says it is there.
  mpi::agree(comm, [&] { files.target.flush(); });
  mpi::agree(comm, [&] {
    if (comm.is_root()) extract::append_done(extract::resume_paths(files.results).journal, extract::to_ranges(jobs));
  });
  for (std::int64_t j : jobs) progress.done[static_cast<std::size_t>(j)] = true;
}

void stop_if_asked(const ReduceProgress& progress, const mpi::Comm& comm) {
  if (!comm.allreduce_or(stop_requested())) return;
  const auto done = std::count(progress.done.begin(), progress.done.end(), true);
  throw Interrupted("stopped by signal " + std::to_string(comm.allreduce_max(std::int64_t{stop_signal()})) +
                    " after " + std::to_string(done) + " of " + std::to_string(progress.jobs.count()) +
                    " reduce jobs; resumable: rerun with --resume");
}

void restore_progress(const fs::path& partial, const fs::path& journal, ReduceProgress& progress) {
  extract::restore_metadata(partial, progress.record);
  progress.stage = stage_of(progress.record);
  progress.done = extract::read_done(journal, progress.jobs.count());
  // A types job is done exactly when the stage-2 record exists (see the header).
  if (progress.jobs.types && progress.stage >= 2) progress.done[std::size_t(progress.jobs.types_job())] = true;
  progress.done_before = std::count(progress.done.begin(), progress.done.end(), true);
}

std::string fingerprint_text(const extract::Fingerprint& fingerprint) {
  return std::to_string(extract::fingerprint_hash(fingerprint));
}

namespace {

bool complete_with(const ReduceFiles& files, const std::string& fingerprint) {
  if (!fs::exists(files.results)) return false;
  try {
    h5::File results = open_results(files.extraction);
    return h5::has_attr(results.id(), schema::attr::reduce_fingerprint) &&
           h5::get_attr_string(results.id(), schema::attr::reduce_fingerprint) == fingerprint;
  } catch (const InputError&) {
    return false;  // stale or incomplete: made again
  }
}

// Rank 0: what to do, with the record read and restored when resuming.
ReduceStart decide(const ReduceFiles& files, ReduceProgress& progress, const extract::Fingerprint& fingerprint,
                   bool resume) {
  const extract::ResumePaths paths = extract::resume_paths(files.results);
  const bool unfinished = fs::exists(paths.record) && fs::exists(files.partial);
  const std::int64_t total = progress.jobs.count();
  if (unfinished && !resume) {
    const auto done = extract::read_done(paths.journal, total);
    log::warn("reduce: discarding the unfinished reduce in " + files.partial.string() + " (" +
              std::to_string(std::count(done.begin(), done.end(), true)) + " of " + std::to_string(total) +
              " jobs done): pass --resume to keep them");
    return ReduceStart::fresh;
  }
  if (!resume) return ReduceStart::fresh;
  if (!unfinished) {
    if (complete_with(files, fingerprint_text(fingerprint))) {
      extract::remove_resume_files(files.results);  // left by a kill just after the rename
      log::info("--resume: '" + files.results.string() + "' is complete: nothing to do");
      return ReduceStart::nothing_to_do;
    }
    log::info("--resume: no unfinished reduce at '" + files.partial.string() + "': starting from the beginning");
    return ReduceStart::fresh;
  }
  progress.record = extract::read_resume_record(paths.record);
  extract::check_same_run(files.partial, progress.record, fingerprint, progress.record.context);
  if (progress.record.windows != total) {
    throw UsageError("--resume: '" + files.partial.string() + "' has " + std::to_string(progress.record.windows) +
                     " jobs, this reduce " + std::to_string(total));
  }
  restore_progress(files.partial, paths.journal, progress);
  log::info("resuming " + files.partial.string() + ": " + std::to_string(progress.done_before) + " of " +
            std::to_string(total) + " reduce jobs already done; " + std::to_string(total - progress.done_before) +
            " to go");
  return ReduceStart::resumed;
}

}  // namespace

ReduceStart begin_progress(ReduceFiles& files, ReduceProgress& progress, const extract::Fingerprint& fingerprint,
                           bool resume, const mpi::Comm& comm) {
  progress.done.assign(static_cast<std::size_t>(progress.jobs.count()), false);
  std::vector<std::int64_t> state;  // start, stage, then the done jobs
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    const ReduceStart start = decide(files, progress, fingerprint, resume);
    state = {std::int64_t(start), progress.stage};
    for (std::size_t j = 0; j < progress.done.size(); ++j) {
      if (progress.done[j]) state.push_back(std::int64_t(j));
    }
  });
  comm.broadcast(state);
  const auto start = static_cast<ReduceStart>(state.at(0));
  progress.stage = int(state.at(1));
  for (std::size_t i = 2; i < state.size(); ++i) progress.done[std::size_t(state[i])] = true;
  progress.done_before = std::int64_t(state.size()) - 2;
  progress.record.fingerprint = fingerprint;
  if (start == ReduceStart::fresh) create_reduce_target(files, comm);
  if (start == ReduceStart::resumed) open_reduce_target(files, comm);
  return start;
}

}  // namespace polyrep::reduce
