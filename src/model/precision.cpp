#include "polyrep/model/precision.hpp"

#include <ATen/ATen.h>
#include <torch/version.h>

#include "polyrep/core/error.hpp"
#include "compute_type.hpp"

namespace polyrep::model {

std::string to_string(Precision precision) {
  switch (precision) {
    case Precision::float32: return "float32";
    case Precision::float16: return "float16";
    case Precision::bfloat16: return "bfloat16";
  }
  return "?";
}

const std::map<std::string, Precision>& precision_names() {
  static const std::map<std::string, Precision> names{
      {"float32", Precision::float32}, {"float16", Precision::float16}, {"bfloat16", Precision::bfloat16}};
  return names;
}

int element_bytes(Precision precision) { return precision == Precision::float32 ? 4 : 2; }

at::ScalarType scalar_type(Precision precision) {
  switch (precision) {
    case Precision::float32: return at::kFloat;
    case Precision::float16: return at::kHalf;
    case Precision::bfloat16: return at::kBFloat16;
  }
  return at::kFloat;
}

void check_precision_supported(Precision precision, Device device) {
  if (precision == Precision::float32) return;
  const at::TensorOptions options =
      at::TensorOptions().dtype(scalar_type(precision)).device(device == Device::cuda ? at::kCUDA : at::kCPU);
  try {
    // The kernels the forward needs in the 16-bit type: matrix product, batched product, GELU,
    // and the float32 LayerNorm and softmax reading 16-bit input.
    const at::Tensor x = at::ones({2, 4}, options);
    const at::Tensor y = at::linear(x, at::ones({4, 4}, options), at::ones({4}, options));
    const at::Tensor z = at::matmul(y.view({1, 2, 4}), y.view({1, 4, 2}));
    const at::Tensor n = at::layer_norm(at::gelu(y).to(at::kFloat), {4});
    (void)(at::softmax(z, -1, at::kFloat).sum() + n.sum()).item<double>();
  } catch (const c10::Error&) {
    throw UsageError("--precision " + to_string(precision) + ": this libtorch build (" + std::string(TORCH_VERSION) +
                     ") cannot run it on " + to_string(device) +
                     (device == Device::cpu ? "; use --precision float32 or bfloat16 on a CPU" : ""));
  }
}

}  // namespace polyrep::model
