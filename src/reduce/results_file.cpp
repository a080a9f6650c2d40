#include "polyrep/reduce/results_file.hpp"

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/core/version.hpp"
#include "polyrep/extract/extraction_file.hpp"
#include "polyrep/extract/resume.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/link.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/results.hpp"
#include "polyrep/schema/version.hpp"

namespace polyrep::reduce {
namespace fs = std::filesystem;

namespace {

// The extraction's identity: its run_id (older files: its creation time).
std::string created_stamp(hid_t root) {
  for (const char* name : {schema::attr::run_id, schema::attr::created}) {
    if (h5::has_attr(root, name)) return h5::get_attr_string(root, name);
  }
  return {};
}


// Serial, on one rank, after the parallel writers closed the partial file: string attributes are
// metadata that parallel HDF5 would make every rank write identically, and `complete` goes last.
void stamp_results(const fs::path& partial, const fs::path& extraction, const std::string& created,
                   const std::string& fingerprint) {
  h5::File f = h5::File::open(partial, true);
  schema::write_schema_version(f.id());
  if (!fingerprint.empty()) h5::set_attr(f.id(), schema::attr::reduce_fingerprint, fingerprint);
  h5::set_attr(f.id(), schema::attr::polyrep_version, std::string(kVersion));
  h5::set_attr(f.id(), schema::attr::source_file, extraction.filename().string());
  h5::set_attr(f.id(), schema::attr::source_run_id, created);
  h5::set_attr(f.id(), schema::attr::complete, std::int64_t{1});
  f.close();
}

void link_if_missing(const fs::path& extraction, const fs::path& results) {
  h5::File probe = h5::File::open(extraction, false);
  const bool linked = h5::link_kind(probe.id(), schema::results_group) != h5::LinkKind::none;
  probe.close();
  if (linked) return;
  log::warn("reduce: adding the link /reduce -> " + results.filename().string() + " to " + extraction.string() +
            " (written by an older polyrep)");
  h5::File f = h5::File::open(extraction, true);
  h5::create_external_link(f.id(), schema::results_group, results.filename().string(), schema::results_group);
  f.close();
}

}  // namespace

fs::path results_path(const fs::path& extraction) {
  fs::path p = extraction;
  p.replace_filename(extraction.stem().string() + ".reduce.h5");
  return p;
}

ReduceFiles open_reduce_source(const fs::path& extraction, const mpi::Comm& comm) {
  ReduceFiles files;
  files.extraction = extraction;
  files.results = results_path(extraction);
  files.partial = fs::path(files.results.string() + ".partial");
  // What the file is, before HDF5 is asked to open it: a text file or a directory gets its own
  // message instead of HDF5's.
  mpi::agree(comm, [&] { extract::require_hdf5_file(extraction); });
  files.source = mpi::agree(comm, [&] { return h5::File::open_parallel(extraction, comm, false); });
  mpi::agree(comm, [&] { extract::require_complete_extraction(files.source.id(), extraction); });
  return files;
}

void create_reduce_target(ReduceFiles& files, const mpi::Comm& comm) {
  mpi::agree(comm, [&] {
    if (comm.is_root()) extract::remove_resume_files(files.results);
  });
  files.target = mpi::agree(comm, [&] {
    try {
      return h5::File::create_parallel(files.partial, comm, true);
    } catch (...) {
      rethrow_with_context("reduce: cannot write the results beside the extraction file");
    }
  });
}

void open_reduce_target(ReduceFiles& files, const mpi::Comm& comm) {
  files.target = mpi::agree(comm, [&] { return h5::File::open_parallel(files.partial, comm, true); });
}

ReduceFiles open_reduce_files(const fs::path& extraction, const mpi::Comm& comm) {
  ReduceFiles files = open_reduce_source(extraction, comm);
  create_reduce_target(files, comm);
  return files;
}

std::string source_stamp(const ReduceFiles& files, const mpi::Comm& comm) {
  return mpi::agree(comm, [&] { return created_stamp(files.source.id()); });
}

void commit_reduce_files(ReduceFiles& files, const mpi::Comm& comm, const std::string& fingerprint) {
  const std::string created = source_stamp(files, comm);
  mpi::agree(comm, [&] {
    files.target.close();
    files.source.close();
  });
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    stamp_results(files.partial, files.extraction, created, fingerprint);
    std::error_code ec;
    fs::rename(files.partial, files.results, ec);
    if (ec) {
      throw IoError("reduce: cannot move '" + files.partial.string() + "' to '" + files.results.string() +
                    "': " + ec.message());
    }
    extract::remove_resume_files(files.results);
    link_if_missing(files.extraction, files.results);
  });
}

h5::File open_results(const fs::path& extraction) {
  const fs::path results = results_path(extraction);
  h5::File source = h5::File::open(extraction, false);
  const std::string created = created_stamp(source.id());
  source.close();
  if (!fs::exists(results)) {
    throw InputError(extraction.string() + ": no reduction results (" + results.filename().string() +
                     " is missing): run polyrep reduce first");
  }
  h5::File f = h5::File::open(results, false);
  schema::require_readable_schema(f.id(), results);
  if (!h5::has_attr(f.id(), schema::attr::complete) || h5::get_attr_int(f.id(), schema::attr::complete) != 1) {
    throw InputError(results.string() + ": incomplete reduction results: run polyrep reduce again");
  }
  if (h5::get_attr_string(f.id(), schema::attr::source_run_id) != created) {
    throw InputError(results.string() + ": stale reduction results (made for an earlier extraction written to " +
                     extraction.filename().string() + "): run polyrep reduce again");
  }
  return f;
}

}  // namespace polyrep::reduce
