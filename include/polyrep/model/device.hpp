#pragma once
/// Resolution of the --device option into the device a model actually runs on. Kept free of
/// torch headers so that the CLI can validate the option early.
#include <string>

namespace polyrep::model {

/// "cpu" -> "cpu"; "cuda" -> "cuda" if this build has CUDA and a device is visible, else
/// UsageError; "auto" -> "cuda" when available, else "cpu"; anything else -> UsageError.
std::string resolve_device(const std::string& requested);

/// True when this libtorch build has CUDA support and at least one device is visible.
bool cuda_available();

}  // namespace polyrep::model
