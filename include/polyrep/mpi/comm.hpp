#pragma once
/// A thin checked wrapper over an MPI communicator (C API only). `Comm::world()`/`Comm::self()` are
/// non-owning views; communicators made by `split_shared()` own their handle and free it on
/// destruction. Every MPI call is checked with `mpi::check`, which throws `polyrep::MpiError`
/// ("MPI_Allreduce failed: <MPI_Error_string>"); `Environment` switches MPI_COMM_WORLD to
/// MPI_ERRORS_RETURN so that failures come back as return codes instead of aborting. All members
/// except `handle/rank/size/is_root` are collective: every rank of the communicator must call them
/// in the same order with matching arguments (same `root`).
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace polyrep::mpi {

/// Throws MpiError("<call> failed: <MPI_Error_string(rc)>") unless rc == MPI_SUCCESS.
void check(int rc, const char* call);

class Comm {
 public:
  static Comm world();
  static Comm self();

  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;
  Comm(Comm&& other) noexcept;
  Comm& operator=(Comm&& other) noexcept;
  ~Comm();

  /// A non-owning view of the same communicator (for handing to code that keeps a Comm by value).
  Comm view() const noexcept { return Comm(comm_, false); }

  MPI_Comm handle() const noexcept { return comm_; }
  int rank() const;
  int size() const;
  bool is_root() const { return rank() == 0; }

  void barrier() const;
  /// A barrier that sleeps `pause` between tests of an MPI_Ibarrier instead of spinning inside
  /// MPI, so that a thread waiting for other ranks leaves the cores to the threads computing.
  /// Throws polyrep::Error when `give_up()` turns true first (the request is then abandoned).
  void barrier_polling(const std::function<bool()>& give_up, std::chrono::microseconds pause) const;

  std::int64_t allreduce_sum(std::int64_t value) const;
  std::int64_t allreduce_max(std::int64_t value) const;
  std::int64_t allreduce_min(std::int64_t value) const;
  double allreduce_sum(double value) const;
  double allreduce_max(double value) const;
  double allreduce_min(double value) const;
  /// True when `value` is true on any rank.
  bool allreduce_or(bool value) const;

  // Other integer types (int, std::size_t, ...) would be ambiguous between the int64 and double
  // overloads; route them through int64.
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                             !std::is_same_v<T, std::int64_t>,
                                         int> = 0>
  T allreduce_sum(T value) const {
    return static_cast<T>(allreduce_sum(static_cast<std::int64_t>(value)));
  }
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                             !std::is_same_v<T, std::int64_t>,
                                         int> = 0>
  T allreduce_max(T value) const {
    return static_cast<T>(allreduce_max(static_cast<std::int64_t>(value)));
  }
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                             !std::is_same_v<T, std::int64_t>,
                                         int> = 0>
  T allreduce_min(T value) const {
    return static_cast<T>(allreduce_min(static_cast<std::int64_t>(value)));
  }

  /// In-place element-wise sum over ranks (e.g. merging PCA moments); every rank passes the same
  /// size.
  void allreduce_sum_inplace(std::vector<double>& values) const;

  /// One value per rank, in rank order.
  std::vector<std::int64_t> allgather(std::int64_t value) const;
  /// Every rank's vector concatenated in rank order; ranks may contribute different sizes, 0 too.
  std::vector<std::int32_t> allgatherv(const std::vector<std::int32_t>& mine) const;
  std::vector<std::int64_t> allgatherv(const std::vector<std::int64_t>& mine) const;
  /// Every rank's string, in rank order (small payloads: host names, per-rank metrics).
  std::vector<std::string> allgather(const std::string& mine) const;

  /// Non-root ranks' values are replaced by root's (their sizes need not match beforehand).
  void broadcast(std::string& s, int root = 0) const;
  void broadcast(std::vector<std::int64_t>& v, int root = 0) const;
  void broadcast(std::vector<std::string>& v, int root = 0) const;
  /// Raw bytes of a buffer whose size every rank already knows.
  void broadcast_bytes(void* data, std::size_t bytes, int root = 0) const;

  /// The ranks that share this rank's node (MPI_COMM_TYPE_SHARED): local rank/size.
  Comm split_shared() const;

 private:
  Comm(MPI_Comm comm, bool owned) noexcept : comm_(comm), owned_(owned) {}
  void free() noexcept;

  MPI_Comm comm_ = MPI_COMM_NULL;
  bool owned_ = false;
};

}  // namespace polyrep::mpi
