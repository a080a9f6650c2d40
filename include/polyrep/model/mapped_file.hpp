#pragma once
/// A read-only memory mapping of a whole file (RAII, move-only). Weight files can be gigabytes;
/// mapping them lets the safetensors reader validate and convert tensors without a full copy.
#include <cstddef>
#include <filesystem>

namespace polyrep::model {

class MappedFile {
 public:
  MappedFile() = default;
  /// Throws InputError naming the file when it cannot be opened, stat'ed or mapped.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  /// Null for an empty file.
  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void release() noexcept;

  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace polyrep::model
