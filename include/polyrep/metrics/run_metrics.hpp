#pragma once
/// The `--metrics FILE.json` record of one extract or reduce run: what was processed, the wall
/// time, and per rank the seconds of each phase, its busy and finish times and its counters
/// (tokens, bytes written, peak resident memory, ...). Every rank contributes its own numbers; the
/// call is collective and rank 0 writes the file (format "polyrep-metrics-1", documented in the
/// README), which `polyrep scaling-report` reads. Busy time is the rank's own work without waiting
/// for others; finish time is when it completed its last piece of work, so that max/mean of either
/// shows load imbalance.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::metrics {

struct RunInfo {
  std::string command;                  // "extract" | "reduce"
  std::string device = "cpu";
  std::string precision = "float32";    // extract's --precision
  int threads_per_rank = 0;
  std::int64_t languages = 0, sentences = 0, tokens = 0;
  double wall_seconds = 0;              // rank 0's clock, whole command
  std::vector<std::string> phases;      // names, aligned with RankMetrics::seconds
};

struct RankMetrics {
  std::vector<double> seconds;          // per phase
  double busy_seconds = 0;
  double finish_seconds = 0;
  int threads = 0;                      // intra-op threads this rank ran (0 = not recorded)
  double cores = 0;                     // its fair share of cores (mpi/placement.hpp)
  std::string cpus;                     // the CPUs it may run on, "0-3,8"
  std::vector<std::pair<std::string, std::int64_t>> counters;  // e.g. {"tokens", 1234}
};

/// This machine's host name ("unknown" if it cannot be read).
std::string host_name();

/// Largest resident set this process has had so far (getrusage), in bytes.
std::int64_t peak_rss_bytes();

/// Collective. Adds each rank's host name and peak_rss_bytes, sums the ranks' "bytes_written"
/// counters, and writes `out` on rank 0 (via out.tmp and a rename). IoError naming the file when
/// it cannot be written; std::invalid_argument when `mine.seconds` and `run.phases` differ in size.
void write_run_metrics(const std::filesystem::path& out, const RunInfo& run, const RankMetrics& mine,
                       const mpi::Comm& comm);

/// The document rank 0 writes, from every rank's serialized RankMetrics (exposed for tests).
std::string run_metrics_json(const RunInfo& run, const std::vector<std::string>& per_rank_json);

/// One rank's part, as JSON (exposed for tests).
std::string rank_metrics_json(int rank, const std::string& host, const RankMetrics& mine,
                              const std::vector<std::string>& phases);

/// UsageError naming `flag` when `out`'s directory does not exist, so that a long run does not
/// fail only at its end.
void check_metrics_path(const std::filesystem::path& out, const std::string& flag = "--metrics");

}  // namespace polyrep::metrics
