#pragma once
/// Where a model runs. `--device` is parsed once at the CLI boundary into a DeviceRequest and
/// resolved into the Device the model really uses; code below the CLI never compares strings.
/// Kept free of torch headers so that the CLI can validate the option early.
#include <map>
#include <string>

namespace polyrep::model {

enum class Device { cpu, cuda };
enum class DeviceRequest { automatic, cpu, cuda };

/// "cpu" | "cuda" (as recorded in files and metrics).
std::string to_string(Device device);
/// "auto" | "cpu" | "cuda".
std::string to_string(DeviceRequest request);
/// The --device spellings, for the CLI.
const std::map<std::string, DeviceRequest>& device_request_names();

/// cpu -> cpu; cuda -> cuda if this build has CUDA and a device is visible, else UsageError
/// saying why (model/cuda_devices.hpp: no_device_reason);
/// automatic -> cuda when available, else cpu.
Device resolve_device(DeviceRequest requested);

/// True when this libtorch build has CUDA support and at least one device is visible.
bool cuda_available();

/// True when this libtorch was built with CUDA (whether or not a GPU is there).
bool cuda_build();

/// CUDA devices this process sees (0 on a CPU-only build or without a GPU).
int cuda_device_count();

}  // namespace polyrep::model
