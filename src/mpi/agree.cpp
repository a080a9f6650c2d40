#include "polyrep/mpi/agree.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace polyrep::mpi::detail {

namespace {

// Fixed size so that one MPI_Bcast suffices: receivers need not know the length in advance.
struct Verdict {
  std::int32_t origin_rank = -1;
  std::array<char, kAgreeMessageBytes> message{};
};

}  // namespace

void settle(const Comm& comm, const LocalOutcome& mine) {
  const int size = comm.size();
  // Lowest failing rank, or `size` when none failed.
  const std::int64_t first_failed =
      comm.allreduce_min(static_cast<std::int64_t>(mine.failed ? comm.rank() : size));
  Verdict verdict;
  if (first_failed == comm.rank()) {
    verdict.origin_rank = mine.origin_rank;
    const std::size_t n = std::min(mine.message.size(), verdict.message.size() - 1);
    std::memcpy(verdict.message.data(), mine.message.data(), n);
  }
  // Everyone broadcasts (even when nobody failed) so the call sequence never depends on data.
  const int root = first_failed < size ? static_cast<int>(first_failed) : 0;
  comm.broadcast_bytes(&verdict, sizeof verdict, root);
  if (first_failed < size) {
    throw CollectiveError(std::string(verdict.message.data()), verdict.origin_rank);
  }
}

}  // namespace polyrep::mpi::detail
