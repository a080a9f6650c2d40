#pragma once
/// The scaling table: one row per (ranks, languages) point of a scaling study, pairing the extract
/// run with the reduce run of the same shape (either may be missing) and deriving what a scaling
/// report shows. Pure functions of the loaded metrics; nothing here reads or writes files.
///
/// Definitions (T = a command's wall_seconds, R = ranks, L = languages):
///  * phase seconds: the maximum over ranks of that phase, i.e. the critical path;
///  * strong-scaling efficiency: among the rows with the same L, the base is the one with the
///    fewest ranks R0, and E = T(R0)·R0 / (T(R)·R); the base row has E = 1; NaN when the row's L
///    has only one rank count (no base other than itself);
///  * weak-scaling efficiency: among the rows with the same languages per rank (L/R == L0/R0
///    exactly), the base is the one with the fewest ranks, and E = T(R0, L0) / T(R, L); the base
///    row has 1; NaN when no other row has the same L/R;
///  * write bandwidth: bytes_written / 1e6 / (the max over ranks of the phase named "write"); NaN
///    when the run has no such phase or it took no time;
///  * peak RSS: the maximum and mean over ranks of peak_rss_bytes, in MiB (2^20 bytes), over the
///    ranks that report it;
///  * load imbalance: max/mean − 1 of busy_seconds (own work) and of finish_seconds (0 for one
///    rank), as a fraction.
/// NaN marks every value that cannot be computed.
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "polyrep/scaling/run_metrics_file.hpp"

namespace polyrep::scaling {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The name of the phase whose time the write bandwidth divides by.
inline constexpr const char* kWritePhase = "write";

struct PhaseSeconds {
  std::string name;
  double seconds = 0;  // max over ranks
};

/// What the table derives from one run (all NaN / empty when the row has no such run).
struct RunStats {
  double wall_seconds = kNaN;
  std::vector<PhaseSeconds> phases;  // in the run's phase order
  double strong_efficiency = kNaN;
  double weak_efficiency = kNaN;
  double bytes_written = kNaN;
  double write_mb_per_second = kNaN;
  double peak_rss_max_mib = kNaN;
  double peak_rss_mean_mib = kNaN;
  double busy_imbalance = kNaN;  // fraction: 0.25 means the busiest rank worked 25% above the mean
  double finish_imbalance = kNaN;

  /// The max-over-ranks seconds of the phase `name`; NaN when this run has no such phase.
  double phase(const std::string& name) const;
};

struct ScalingRow {
  int ranks = 0;
  int languages = 0;
  std::optional<RunMetrics> extract_run, reduce_run;  // at least one is set
  RunStats extract, reduce;
  double tokens = kNaN;             // the extract run's (else the reduce run's) total
  double tokens_per_second = kNaN;  // tokens / extract wall
  double tokens_per_second_per_rank = kNaN;
  /// Things the reader should know, e.g. that a later file replaced an earlier one.
  std::vector<std::string> notes;

  /// The run of `command` (extract_run or reduce_run).
  const std::optional<RunMetrics>& run(RunCommand command) const;
  const RunStats& stats(RunCommand command) const;
};

/// One row per distinct (ranks, languages), sorted by languages then ranks. When two files give
/// the same command for the same point, the one later in `runs` wins and the row's notes say so.
std::vector<ScalingRow> make_scaling_table(const std::vector<RunMetrics>& runs);

/// The phase names of all rows' runs of `command`, in order of first appearance.
std::vector<std::string> phase_union(const std::vector<ScalingRow>& rows, RunCommand command);

}  // namespace polyrep::scaling
