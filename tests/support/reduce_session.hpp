#pragma once
// Runs reduce jobs the way `polyrep reduce` does: open the extraction file and a partial results
// file, run, then commit (rename and link).
#include <filesystem>
#include <utility>

#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/results_file.hpp"

namespace polyrep::test {

template <typename Jobs>
auto reduce_session(const std::filesystem::path& file, const mpi::Comm& comm, Jobs&& jobs) {
  reduce::ReduceFiles files = reduce::open_reduce_files(file, comm);
  auto result = std::forward<Jobs>(jobs)(files);
  reduce::commit_reduce_files(files, comm);
  return result;
}

}  // namespace polyrep::test
