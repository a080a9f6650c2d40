#include "polyrep/model/device.hpp"

#include <ATen/Version.h>
#include <torch/cuda.h>

#include <cstdlib>

#include "polyrep/core/error.hpp"
#include "polyrep/model/cuda_devices.hpp"

namespace polyrep::model {

// torch::cuda::is_available() (a stable API from 1.x to 2.x) is false on CPU-only builds and also
// when a CUDA build sees no device, unlike at::hasCUDA(), which only checks build and driver.
bool cuda_available() { return torch::cuda::is_available(); }

// The build settings line of at::show_config() (1.x and 2.x alike) says USE_CUDA=ON or OFF;
// nothing else tells a CUDA build without a GPU from a CPU build.
bool cuda_build() {
  static const bool built = at::show_config().find("USE_CUDA=ON") != std::string::npos;
  return built;
}

int cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }

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
        throw UsageError("--device cuda: no CUDA device available (" +
                         no_device_reason(cuda_build(), std::getenv("CUDA_VISIBLE_DEVICES")) +
                         "); use --device cpu or auto");
      return Device::cuda;
  }
  throw UsageError("--device: unknown value");
}

}  // namespace polyrep::model
