#pragma once
/// The write stage: each rank walks its contiguous slice of windows, runs them through the model
/// and writes them, one collective round per window; a rank whose slice is shorter (or empty) joins
/// the remaining rounds with empty selections. Memory per rank is bounded by one window, never by
/// the corpus.
#include <cstdint>
#include <string>
#include <vector>

#include "polyrep/extract/output_file.hpp"
#include "polyrep/extract/plan.hpp"

namespace polyrep::mpi {
class Comm;
}
namespace polyrep::metrics {
class PhaseClock;
}

namespace polyrep::extract {

struct Setup;
struct ExtractOptions;

/// The phases of an extraction as `--metrics` reports them (indices into extract_phases()).
/// "wait" is time spent at the barrier before each collective write, waiting for slower ranks,
/// so that "write" is the I/O itself.
namespace phase {
inline constexpr std::size_t load = 0, tokenize = 1, forward = 2, wait = 3, write = 4, finalize = 5;
}
const std::vector<std::string>& extract_phases();

struct RoundStats {
  std::int64_t bytes_written = 0;   // hidden-state bytes, all ranks
  bool all_collective = true;       // every write of every rank was collective I/O
  std::int64_t rounds = 0;
  // This rank's own share, for --metrics.
  std::int64_t my_windows = 0, my_sentences = 0, my_tokens = 0, my_bytes = 0;
  double my_finish_seconds = 0;     // clock time when this rank's last own window was written
  double my_planned_work = 0;       // estimated forward work of its windows (work_estimate.hpp)
};

/// Charges tokenizing, forward passes, waiting and writing to `clock`.
RoundStats write_rounds(const Setup& setup, const Plan& plan, const std::vector<RankSlice>& slices,
                        const SentenceTable& table, const ExtractOptions& options,
                        const mpi::Comm& comm, metrics::PhaseClock& clock);

}  // namespace polyrep::extract
