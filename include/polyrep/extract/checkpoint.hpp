#pragma once
/// Durable progress of an extraction, so that a run killed at any moment — in a forward, in the
/// middle of a collective write, in the serial string step — is finished by `--resume` rather than
/// started again. The design (README, "When a run dies"):
///
/// 1. Every dataset the collective phase writes is created at its final size, contiguous, its
///    space allocated at creation and never filled; the file is then closed once. What the file
///    holds outside those datasets' raw bytes is HDF5's own metadata (superblock, object headers,
///    heaps: kilobytes). Rank 0 saves those bytes, with the run's fingerprint, in the resume record
///    `OUT.partial.resume` (written to a temporary name, fsynced, renamed: it exists whole or not
///    at all). From then on the rounds write raw data only, into ranges fixed at creation.
/// 2. After a round's collective write is flushed (H5Fflush, which syncs the MPI-IO file), rank 0
///    appends the windows that round completed to the journal `OUT.partial.done` and fsyncs it. A
///    window not in the journal counts as not written, whatever the file holds there.
/// 3. `--resume` puts the saved metadata bytes back and cuts the file to its creation size,
///    undoing whatever a kill left half-written (HDF5 1.10 has no journal of its own), then
///    computes only the windows the journal lacks — at any number of ranks, since windows do not
///    depend on it — and runs the serial step again from the start.
///
/// Everything here is serial (rank 0); the extractor decides who calls it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace polyrep::extract {

/// Where a run keeps its state until the file is complete: `OUT.partial`, `OUT.partial.resume`,
/// `OUT.partial.done`.
struct ResumePaths {
  std::filesystem::path partial, record, journal;
};
ResumePaths resume_paths(const std::filesystem::path& out);

/// Named inputs of a run, in a fixed order: the model's and corpus's file contents (hashed), the
/// languages, sample, seed, layers, pooling, dtype, limits and plan options.
struct Fingerprint {
  std::vector<std::pair<std::string, std::string>> entries;
  void add(std::string name, std::string value) { entries.emplace_back(std::move(name), std::move(value)); }
};

/// "" when both hold the same entries, else one phrase naming the first that differs, e.g.
/// "--seed was 1, is 2" or "model file config.json changed" (hashed entries are named "file ...").
std::string first_change(const Fingerprint& saved, const Fingerprint& now);

/// One number for a fingerprint (the file's `input_fingerprint` attribute).
std::uint64_t fingerprint_hash(const Fingerprint& fingerprint);

struct ByteRange {
  std::uint64_t offset = 0, bytes = 0;
};

/// What `--resume` needs besides the journal; written once, when the file has been created.
struct ResumeRecord {
  Fingerprint fingerprint;            // must be equal on resume
  Fingerprint context;                // may differ (threads, device, ranks): a warning then
  std::int64_t windows = 0;           // windows of the plan
  std::uint64_t file_size = 0;        // bytes of the partial file when created
  std::vector<ByteRange> metadata;    // every range of the file that is not raw dataset bytes
  std::string metadata_bytes;         // their contents, concatenated in order
};

/// Fills `file_size`, `metadata` and `metadata_bytes` from the closed file at `path`, given the raw
/// extents of its datasets (h5::Dataset::storage_extent). IoError naming the file on failure or
/// when extents overlap or pass the end of the file.
void snapshot_metadata(const std::filesystem::path& path, std::vector<ByteRange> raw, ResumeRecord& record);

/// Writes the saved metadata bytes back and cuts the file to `file_size`. IoError naming the file
/// when it is shorter than the raw data it should hold (not the file the record was made for).
void restore_metadata(const std::filesystem::path& path, const ResumeRecord& record);

/// Atomic and durable: a temporary name, fsync, rename, fsync of the directory.
void write_resume_record(const std::filesystem::path& path, const ResumeRecord& record);
/// InputError naming the file when it is not a resume record or is damaged (checksum).
ResumeRecord read_resume_record(const std::filesystem::path& path);

/// The journal of completed windows: one line "first end" per range of window indices, appended
/// and fsynced. A last line cut by a kill (no newline) is ignored when read.
void append_done(const std::filesystem::path& path, const std::vector<std::pair<std::int64_t, std::int64_t>>& ranges);
/// done[w] for w < windows; a missing journal means nothing is done. InputError naming the file
/// for a complete line that is not a valid range.
std::vector<bool> read_done(const std::filesystem::path& path, std::int64_t windows);

/// Collapses sorted or unsorted window indices into [first, end) ranges, ascending.
std::vector<std::pair<std::int64_t, std::int64_t>> to_ranges(std::vector<std::int64_t> windows);

}  // namespace polyrep::extract
