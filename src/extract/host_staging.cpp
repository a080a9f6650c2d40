#include "polyrep/extract/host_staging.hpp"

#include <ATen/ATen.h>
#include <torch/cuda.h>

namespace polyrep::extract {
namespace {

class PageableStaging final : public HostStaging {
 public:
  at::Tensor allocate(at::IntArrayRef shape, at::ScalarType type) override { return at::empty(shape, type); }
  void copy(at::Tensor dst, const at::Tensor& src) override { dst.copy_(src); }
  void wait() override {}
  bool pinned() const override { return false; }
};

class PinnedStaging final : public HostStaging {
 public:
  explicit PinnedStaging(int ordinal) : ordinal_(ordinal) {}
  at::Tensor allocate(at::IntArrayRef shape, at::ScalarType type) override {
    return at::empty(shape, at::TensorOptions().dtype(type).pinned_memory(true));
  }
  void copy(at::Tensor dst, const at::Tensor& src) override {
    // The converted temporary may be freed before the copy ran: the CUDA caching allocator
    // reuses a block only for work queued after it on the same stream.
    dst.copy_(src.to(dst.scalar_type()), /*non_blocking=*/true);
  }
  void wait() override { torch::cuda::synchronize(ordinal_); }
  bool pinned() const override { return true; }

 private:
  int ordinal_;
};

}  // namespace

std::unique_ptr<HostStaging> make_host_staging(model::Device device, int cuda_ordinal) {
  if (device == model::Device::cuda) return std::make_unique<PinnedStaging>(cuda_ordinal);
  return std::make_unique<PageableStaging>();
}

}  // namespace polyrep::extract
