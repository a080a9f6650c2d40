#pragma once
/// Rank-tagged logging to stderr. Every line starts with "[polyrep rR/N]" so that interleaved
/// output of many ranks (mpirun merges them) stays attributable. The rank is set once after
/// MPI_Init; before that lines carry "r?".
#include <string>

namespace polyrep::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, quiet = 4 };

void set_rank(int rank, int size);
void set_level(Level level);
Level level();

void debug(const std::string& message);
void info(const std::string& message);
void warn(const std::string& message);
void error(const std::string& message);

/// The prefix written before each line, e.g. "[polyrep r1/4]".
std::string prefix();

}  // namespace polyrep::log
