#include "polyrep/model/device.hpp"

#include <torch/cuda.h>

#include "polyrep/core/error.hpp"

namespace polyrep::model {

// torch::cuda::is_available() (a stable API from 1.x to 2.x) is false on CPU-only builds and also
// when a CUDA build sees no device, unlike at::hasCUDA(), which only checks build and driver.
bool cuda_available() { return torch::cuda::is_available(); }

std::string resolve_device(const std::string& requested) {
  if (requested == "cpu") return "cpu";
  if (requested == "auto") return cuda_available() ? "cuda" : "cpu";
  if (requested == "cuda") {
    if (!cuda_available())
      throw UsageError(
          "--device cuda: no CUDA device available (CPU-only libtorch build, or no visible GPU); "
          "use --device cpu or auto");
    return "cuda";
  }
  throw UsageError("--device '" + requested + "': expected cpu, cuda or auto");
}

}  // namespace polyrep::model
