#pragma once
/// The arithmetic type of the forward pass (`--precision`), independent of how hidden states are
/// stored (`--dtype`). Half precisions run every matrix product, embedding and residual sum in
/// 16 bits, but LayerNorm and softmax read their input in float32 and accumulate there (as
/// HuggingFace's fused CUDA kernels do), so that the two reductions that lose most to 16-bit
/// rounding do not. Kept free of torch headers so that the CLI can parse the flag early.
#include <map>
#include <string>

#include "polyrep/model/device.hpp"

namespace polyrep::model {

enum class Precision { float32, float16, bfloat16 };

/// "float32" | "float16" | "bfloat16" (as recorded in files and metrics).
std::string to_string(Precision precision);
/// The --precision spellings, for the CLI.
const std::map<std::string, Precision>& precision_names();

/// Bytes of one element in the forward's arithmetic type (4 or 2).
int element_bytes(Precision precision);

/// UsageError naming --precision when this libtorch build cannot run `precision` on `device`:
/// probed with one tiny linear layer, LayerNorm and softmax, since which 16-bit kernels a CPU
/// build has depends on its version (libtorch 1.13 has no float16 matrix product on the CPU;
/// 2.x has). float32 always passes.
void check_precision_supported(Precision precision, Device device);

}  // namespace polyrep::model
