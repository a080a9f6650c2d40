#include "polyrep/model/device.hpp"

#include <torch/cuda.h>

#include "polyrep/core/error.hpp"

namespace polyrep::model {

// torch::cuda::is_available() (a stable API from 1.x to 2.x) is false on CPU-only builds and also
// when a CUDA build sees no device, unlike at::hasCUDA(), which only checks build and driver.
bool cuda_available() { return torch::cuda::is_available(); }

std::string to_string(Device device) { return device == Device::cuda ? "cuda" : "cpu"; }

std::string to_string(DeviceRequest request) {
  switch (request) {
    case DeviceRequest::automatic: return "auto";
    case DeviceRequest::cpu: return "cpu";
    case DeviceRequest::cuda: return "cuda";
  }
  return "?";
}

const std::map<std::string, DeviceRequest>& device_request_names() {
  static const std::map<std::string, DeviceRequest> names{
      {"auto", DeviceRequest::automatic}, {"cpu", DeviceRequest::cpu}, {"cuda", DeviceRequest::cuda}};
  return names;
}

Device resolve_device(DeviceRequest requested) {
  switch (requested) {
    case DeviceRequest::cpu: return Device::cpu;
    case DeviceRequest::automatic: return cuda_available() ? Device::cuda : Device::cpu;
    case DeviceRequest::cuda:
      if (!cuda_available())
        throw UsageError(
            "--device cuda: no CUDA device available (CPU-only libtorch build, or no visible GPU); "
            "use --device cpu or auto");
      return Device::cuda;
  }
  throw UsageError("--device: unknown value");
}

}  // namespace polyrep::model
