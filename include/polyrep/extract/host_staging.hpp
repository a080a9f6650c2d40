#pragma once
/// How a window's arrays reach the host. From a GPU, a copy into page-locked ("pinned") host
/// memory is a DMA transfer that runs asynchronously on the copy engine; into ordinary pageable
/// memory the driver copies synchronously through a bounce buffer, at a fraction of the speed.
/// So on a GPU the window's host arrays are allocated pinned (libtorch's caching host allocator
/// recycles them once the writer has released a window, so pinned memory stays bounded by the
/// windows in flight), every layer's copy is issued without waiting, and one wait() before the
/// arrays are handed to the writer makes them complete. On a CPU the same calls are plain
/// allocations and copies. The interface lets a test record what the runner asks for.
#include <ATen/core/Tensor.h>

#include <memory>

#include "polyrep/model/device.hpp"

namespace polyrep::extract {

class HostStaging {
 public:
  virtual ~HostStaging() = default;
  /// A host tensor that copies may target.
  virtual at::Tensor allocate(at::IntArrayRef shape, at::ScalarType type) = 0;
  /// dst (a host tensor from allocate) <- src, converted to dst's type (on src's device, so that
  /// only the stored bytes cross the bus). May return before the copy is done.
  virtual void copy(at::Tensor dst, const at::Tensor& src) = 0;
  /// Returns once all work issued to the device so far is done: the copies, and the computation
  /// before them (which a GPU runs asynchronously as well).
  virtual void wait() = 0;
  /// True when copies run asynchronously into pinned memory.
  virtual bool pinned() const = 0;
};

/// Pinned memory and asynchronous copies for cuda (ordinal: the model's GPU), plain ones for cpu.
std::unique_ptr<HostStaging> make_host_staging(model::Device device, int cuda_ordinal = 0);

}  // namespace polyrep::extract
