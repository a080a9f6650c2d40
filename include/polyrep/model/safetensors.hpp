#pragma once
/// Validating reader for the safetensors format (https://github.com/huggingface/safetensors):
/// u64 little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, then the
/// raw data region. Everything in the header is checked against the file before a single byte of
/// tensor data is trusted (each tensor's byte range lies inside the data region, matches its dtype
/// and shape, and overlaps no other tensor's); each failure is an InputError naming the file and
/// the tensor or field.
/// No torch here: tensors are exposed as views into the memory-mapped file.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "polyrep/model/mapped_file.hpp"

namespace polyrep::model {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL, F8_E4M3, F8_E5M2 };

std::size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);
/// F32, F16 and BF16: the dtypes polyrep loads as weights (others, e.g. the I64
/// `embeddings.position_ids` buffer of old checkpoints, are parsed but never loaded).
bool is_weight_dtype(DType dtype);

struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  const std::byte* data = nullptr;  // into the mapping; not aligned in general
  std::size_t nbytes = 0;

  std::int64_t numel() const;
};

class SafetensorsFile {
 public:
  /// Maps and validates the file; throws InputError on any inconsistency.
  explicit SafetensorsFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_.path(); }
  /// Null when the file has no tensor of that name.
  const TensorView* find(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  /// The optional `__metadata__` string map.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  MappedFile file_;
  std::map<std::string, TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace polyrep::model
