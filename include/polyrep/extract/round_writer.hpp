#pragma once
/// The write stage: each rank walks its contiguous slice of windows, runs them through the model
/// and writes them, one collective round per window; a rank whose slice is shorter (or empty) joins
/// the remaining rounds with empty selections. Memory per rank is bounded by one window (two with
/// --overlap), never by the corpus. Time goes to the active clock (metrics/phase_clock.hpp) under
/// the phases below.
#include <cstdint>
#include <string>
#include <vector>

#include "polyrep/extract/output_file.hpp"
#include "polyrep/extract/plan.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::extract {

struct Setup;

/// The phases of an extraction as `--metrics` reports them (indices into extract_phases()).
/// "wait" is time spent at the barrier before each collective write, waiting for slower ranks,
/// so that "write" is the I/O itself.
namespace phase {
// forward: the model and pooling; copy: device-to-host copies and type conversion.
inline constexpr std::size_t load = 0, tokenize = 1, forward = 2, copy = 3, wait = 4, write = 5, finalize = 6;
}
const std::vector<std::string>& extract_phases();

/// What planning decided, the same on every rank: the windows, each rank's share of them, each
/// window's estimated forward work, and the per-sentence table rank 0 writes.
struct PlannedWork {
  Plan plan;
  std::vector<RankSlice> slices;
  std::vector<double> window_work;
  SentenceTable table;
  std::vector<bool> done;   // windows an earlier run wrote (--resume); empty when none
};

/// This rank's own share of the work done, for --metrics.
struct RankCounts {
  std::int64_t windows = 0, sentences = 0, tokens = 0, bytes = 0;
  double finish_seconds = 0;        // clock time when this rank's last own window was written
  double planned_work = 0;          // estimated forward work of its windows (work_estimate.hpp)
};

struct RoundStats {
  std::int64_t bytes_written = 0;   // hidden-state bytes, all ranks
  bool all_collective = true;       // every write of every rank was collective I/O
  std::int64_t rounds = 0;
  RankCounts mine;
};

/// The shape of the file for this setup, plan and attention index (output_file.hpp).
OutputLayout output_layout(const Setup& setup, const Plan& plan, const AttentionIndex& attention);

/// Opens the file create_output made and runs this rank's windows that are not done. Records
/// progress in the journal (checkpoint.hpp) every setup.checkpoint_seconds and at the end. When a
/// stop signal arrives (core/stop.hpp) the ranks agree on it after a round's write, record what
/// they wrote, close the file and throw Interrupted on every rank.
RoundStats write_rounds(const Setup& setup, const PlannedWork& work, const mpi::Comm& comm);

}  // namespace polyrep::extract
