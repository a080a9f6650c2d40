#include "polyrep/mpi/comm.hpp"

#include <climits>
#include <string>
#include <thread>

#include "polyrep/core/error.hpp"

namespace polyrep::mpi {

void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  if (MPI_Error_string(rc, text, &length) != MPI_SUCCESS) {
    throw MpiError(std::string(call) + " failed: MPI error code " + std::to_string(rc));
  }
  throw MpiError(std::string(call) +
                 " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

namespace {

// MPI counts are int; larger messages would need derived datatypes, which nothing here sends.
int to_count(std::size_t n, const char* call) {
  if (n > static_cast<std::size_t>(INT_MAX)) {
    throw MpiError(std::string(call) + ": " + std::to_string(n) +
                   " elements exceed the MPI count limit (INT_MAX)");
  }
  return static_cast<int>(n);
}

template <typename T>
T allreduce(MPI_Comm comm, T value, MPI_Datatype type, MPI_Op op) {
  T result{};
  check(MPI_Allreduce(&value, &result, 1, type, op, comm), "MPI_Allreduce");
  return result;
}

template <typename T>
std::vector<T> allgatherv_impl(const Comm& comm, const std::vector<T>& mine, MPI_Datatype type) {
  const std::vector<std::int64_t> sizes = comm.allgather(static_cast<std::int64_t>(mine.size()));
  std::vector<int> counts(sizes.size());
  std::vector<int> displs(sizes.size());
  std::size_t total = 0;
  for (std::size_t r = 0; r < sizes.size(); ++r) {
    displs[r] = to_count(total, "MPI_Allgatherv");
    counts[r] = to_count(static_cast<std::size_t>(sizes[r]), "MPI_Allgatherv");
    total += static_cast<std::size_t>(sizes[r]);
  }
  to_count(total, "MPI_Allgatherv");
  std::vector<T> all(total);
  // A dummy address keeps MPI happy when both buffers are empty.
  T dummy{};
  check(MPI_Allgatherv(mine.empty() ? &dummy : mine.data(), counts[comm.rank()], type,
                       all.empty() ? &dummy : all.data(), counts.data(), displs.data(), type,
                       comm.handle()),
        "MPI_Allgatherv");
  return all;
}

}  // namespace

Comm Comm::world() { return Comm(MPI_COMM_WORLD, false); }
Comm Comm::self() { return Comm(MPI_COMM_SELF, false); }

Comm::Comm(Comm&& other) noexcept : comm_(other.comm_), owned_(other.owned_) {
  other.comm_ = MPI_COMM_NULL;
  other.owned_ = false;
}

Comm& Comm::operator=(Comm&& other) noexcept {
  if (this != &other) {
    free();
    comm_ = other.comm_;
    owned_ = other.owned_;
    other.comm_ = MPI_COMM_NULL;
    other.owned_ = false;
  }
  return *this;
}

Comm::~Comm() { free(); }

void Comm::free() noexcept {
  int finalized = 0;
  MPI_Finalized(&finalized);
  // After MPI_Finalize the handle is gone anyway; freeing then would be an error.
  if (owned_ && comm_ != MPI_COMM_NULL && !finalized) MPI_Comm_free(&comm_);
  comm_ = MPI_COMM_NULL;
  owned_ = false;
}

int Comm::rank() const {
  int r = 0;
  check(MPI_Comm_rank(comm_, &r), "MPI_Comm_rank");
  return r;
}

int Comm::size() const {
  int s = 0;
  check(MPI_Comm_size(comm_, &s), "MPI_Comm_size");
  return s;
}

void Comm::barrier() const { check(MPI_Barrier(comm_), "MPI_Barrier"); }

void Comm::barrier_polling(const std::function<bool()>& give_up, std::chrono::microseconds pause) const {
  MPI_Request request = MPI_REQUEST_NULL;
  check(MPI_Ibarrier(comm_, &request), "MPI_Ibarrier");
  for (;;) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done) return;
    if (give_up()) throw Error("stopped waiting for the other ranks (this rank failed)");
    std::this_thread::sleep_for(pause);
  }
}

std::int64_t Comm::allreduce_sum(std::int64_t v) const {
  return allreduce(comm_, v, MPI_INT64_T, MPI_SUM);
}
std::int64_t Comm::allreduce_max(std::int64_t v) const {
  return allreduce(comm_, v, MPI_INT64_T, MPI_MAX);
}
std::int64_t Comm::allreduce_min(std::int64_t v) const {
  return allreduce(comm_, v, MPI_INT64_T, MPI_MIN);
}
double Comm::allreduce_sum(double v) const { return allreduce(comm_, v, MPI_DOUBLE, MPI_SUM); }
double Comm::allreduce_max(double v) const { return allreduce(comm_, v, MPI_DOUBLE, MPI_MAX); }
double Comm::allreduce_min(double v) const { return allreduce(comm_, v, MPI_DOUBLE, MPI_MIN); }
bool Comm::allreduce_or(bool v) const { return allreduce(comm_, v ? 1 : 0, MPI_INT, MPI_LOR) != 0; }

void Comm::allreduce_sum_inplace(std::vector<double>& values) const {
  if (values.empty()) {
    // Still take part, so that the call sequence is identical on every rank.
    double dummy = 0.0;
    check(MPI_Allreduce(MPI_IN_PLACE, &dummy, 0, MPI_DOUBLE, MPI_SUM, comm_), "MPI_Allreduce");
    return;
  }
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), to_count(values.size(), "MPI_Allreduce"),
                      MPI_DOUBLE, MPI_SUM, comm_),
        "MPI_Allreduce");
}

std::vector<std::int64_t> Comm::allgather(std::int64_t value) const {
  std::vector<std::int64_t> all(static_cast<std::size_t>(size()));
  check(MPI_Allgather(&value, 1, MPI_INT64_T, all.data(), 1, MPI_INT64_T, comm_), "MPI_Allgather");
  return all;
}

std::vector<std::int32_t> Comm::allgatherv(const std::vector<std::int32_t>& mine) const {
  return allgatherv_impl(*this, mine, MPI_INT32_T);
}

std::vector<std::int64_t> Comm::allgatherv(const std::vector<std::int64_t>& mine) const {
  return allgatherv_impl(*this, mine, MPI_INT64_T);
}

std::vector<std::string> Comm::allgather(const std::string& mine) const {
  const std::vector<std::int64_t> sizes = allgather(static_cast<std::int64_t>(mine.size()));
  const std::vector<char> all = allgatherv_impl(*this, std::vector<char>(mine.begin(), mine.end()), MPI_CHAR);
  std::vector<std::string> out;
  auto at = all.begin();
  for (std::int64_t n : sizes) {
    out.emplace_back(at, at + static_cast<std::ptrdiff_t>(n));
    at += static_cast<std::ptrdiff_t>(n);
  }
  return out;
}

void Comm::broadcast_bytes(void* data, std::size_t bytes, int root) const {
  char dummy = 0;
  check(MPI_Bcast(bytes == 0 ? &dummy : data, to_count(bytes, "MPI_Bcast"), MPI_BYTE, root, comm_),
        "MPI_Bcast");
}

void Comm::broadcast(std::string& s, int root) const {
  std::int64_t n = static_cast<std::int64_t>(s.size());
  broadcast_bytes(&n, sizeof n, root);
  s.resize(static_cast<std::size_t>(n));
  broadcast_bytes(s.data(), s.size(), root);
}

void Comm::broadcast(std::vector<std::int64_t>& v, int root) const {
  std::int64_t n = static_cast<std::int64_t>(v.size());
  broadcast_bytes(&n, sizeof n, root);
  v.resize(static_cast<std::size_t>(n));
  broadcast_bytes(v.data(), v.size() * sizeof(std::int64_t), root);
}

void Comm::broadcast(std::vector<std::string>& v, int root) const {
  // Lengths first, then all characters in one message.
  std::vector<std::int64_t> lengths;
  std::string joined;
  if (rank() == root) {
    for (const std::string& s : v) {
      lengths.push_back(static_cast<std::int64_t>(s.size()));
      joined += s;
    }
  }
  broadcast(lengths, root);
  broadcast(joined, root);
  if (rank() == root) return;
  v.assign(lengths.size(), std::string());
  std::size_t offset = 0;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    v[i] = joined.substr(offset, static_cast<std::size_t>(lengths[i]));
    offset += static_cast<std::size_t>(lengths[i]);
  }
}

Comm Comm::split_shared() const {
  MPI_Comm local = MPI_COMM_NULL;
  check(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank(), MPI_INFO_NULL, &local),
        "MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)");
  return Comm(local, true);
}

}  // namespace polyrep::mpi
