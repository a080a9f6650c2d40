#pragma once
// The device the model tests run on: POLYREP_TEST_DEVICE=cuda makes the fidelity tests
// (tests/integration/model) run on a GPU and fail when none is usable (the device check in
// tools/gpu/device_check.sh sets it); unset or "cpu" keeps them on the CPU.
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "polyrep/model/device.hpp"

namespace polyrep::test {

inline model::DeviceRequest test_device() {
  const char* value = std::getenv("POLYREP_TEST_DEVICE");
  const std::string name = value ? value : "cpu";
  if (name == "cpu") return model::DeviceRequest::cpu;
  if (name == "cuda") return model::DeviceRequest::cuda;
  throw std::invalid_argument("POLYREP_TEST_DEVICE must be cpu or cuda, not '" + name + "'");
}

inline model::Device test_device_resolved() {
  return test_device() == model::DeviceRequest::cuda ? model::Device::cuda : model::Device::cpu;
}

}  // namespace polyrep::test
