#pragma once
/// The write stage: each rank walks its contiguous slice of windows, runs them through the model
/// and writes them, one collective round per window; a rank whose slice is shorter (or empty) joins
/// the remaining rounds with empty selections. Memory per rank is bounded by one window, never by
/// the corpus.
#include <cstdint>
#include <vector>

#include "polyrep/extract/output_file.hpp"
#include "polyrep/extract/plan.hpp"

namespace polyrep::mpi {
class Comm;
}

namespace polyrep::extract {

struct Setup;
struct ExtractOptions;

struct RoundStats {
  std::int64_t bytes_written = 0;   // hidden-state bytes, all ranks
  bool all_collective = true;       // every write of every rank was collective I/O
  std::int64_t rounds = 0;
};

RoundStats write_rounds(const Setup& setup, const Plan& plan, const std::vector<RankSlice>& slices,
                        const SentenceTable& table, const ExtractOptions& options,
                        const mpi::Comm& comm);

}  // namespace polyrep::extract
