#pragma once
/// The per-run metrics files that `polyrep extract --metrics FILE.json` and `polyrep reduce
/// --metrics FILE.json` write on rank 0 (format "polyrep-metrics-1"), read back for the scaling
/// report. A file holds the run's shape (ranks, threads, hosts, device, languages), its totals,
/// the names of its phases in order, and for every rank the seconds it spent in each phase, its
/// busy and finish times and optional counters. Phase names are data: whatever "phases" lists.
/// Every required field is checked for presence, type and range, and a failure is an InputError of
/// one line naming the file and the field ("r2.json: field 'per_rank[1].seconds.write': missing").
/// Keys this reader does not know are ignored, so newer writers can add fields.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace polyrep::scaling {

/// The value of the "format" key this reader understands.
inline constexpr const char* kMetricsFormat = "polyrep-metrics-1";

enum class RunCommand { extract, reduce };

/// "extract" or "reduce".
std::string to_string(RunCommand command);

struct RankMetrics {
  int rank = 0;
  std::string host;             // empty when the file has none
  std::vector<double> seconds;  // one per RunMetrics::phases, same order
  double busy_seconds = 0;      // this rank's own work
  double finish_seconds = 0;    // when it finished its own last piece of work
  // Counters a command may or may not write (extract: tokens, sentences; reduce: rows, tsne_jobs).
  std::optional<std::int64_t> tokens, sentences, rows, tsne_jobs, bytes_written, peak_rss_bytes;
};

struct RunMetrics {
  std::filesystem::path source;  // the file it was read from
  RunCommand command = RunCommand::extract;
  std::string polyrep_version;
  int ranks = 0;
  int threads_per_rank = 0;  // 0 when the run did not record it
  int hosts = 0;
  std::string device;
  int languages = 0;
  // Required for extract runs; optional for reduce runs.
  std::optional<std::int64_t> sentences, tokens, bytes_written;
  double wall_seconds = 0;          // the whole command on rank 0's clock (> 0)
  std::vector<std::string> phases;  // distinct, non-empty names, in the order the run went through
  std::vector<RankMetrics> per_rank;  // exactly `ranks` entries, sorted by rank 0..ranks-1
};

/// Reads and checks one metrics file. InputError (naming the file and field) for a file that
/// cannot be read, is not JSON, has another format, or has a missing or odd field.
RunMetrics load_run_metrics(const std::filesystem::path& file);

/// Every "*.json" file directly in `dir` whose "format" is polyrep-metrics-1, in file-name order.
/// JSON files without a "format" key or with a format not starting "polyrep-metrics" are skipped
/// (other tools' files may share the folder); a file that is not JSON at all, or a
/// "polyrep-metrics-N" of another version, is an InputError. InputError when `dir` is not a
/// directory or holds no metrics file.
std::vector<RunMetrics> load_run_metrics_dir(const std::filesystem::path& dir);

}  // namespace polyrep::scaling
