#pragma once
/// Test-only writer (and minimal independent reader) for safetensors files, so that tests can
/// build checkpoints in other layouts (prefixed, with task heads, sharded, F16/BF16) and corrupt
/// files, without relying on polyrep's own reader to produce them.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace polyrep::test {

struct StTensor {
  std::string name;
  std::string dtype;  // "F32", "F16", "BF16", "I64", ...
  std::vector<std::int64_t> shape;
  std::string bytes;  // raw little-endian data
};

/// Writes a well-formed file: tensors laid out in the given order, header padded with spaces to a
/// multiple of 8 bytes (as the reference implementation does).
void write_safetensors(const std::string& path, const std::vector<StTensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

/// Writes `bytes` as is (for corrupt-file tests).
void write_bytes(const std::string& path, const std::string& bytes);

/// The 8-byte little-endian encoding of n.
std::string u64le(std::uint64_t n);

/// Reads every tensor of a safetensors file with nlohmann::json and plain file I/O (no checks
/// beyond what the tests need), in header order sorted by name.
std::vector<StTensor> read_safetensors(const std::string& path);

/// float32 raw bytes rounded to IEEE half / bfloat16 (round to nearest even), and the float32
/// bytes those rounded values stand for.
std::string f32_to_f16(const std::string& f32);
std::string f32_to_bf16(const std::string& f32);
std::string f32_round_to_f16(const std::string& f32);
std::string f32_round_to_bf16(const std::string& f32);

}  // namespace polyrep::test
