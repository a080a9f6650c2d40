#pragma once
/// A fast 64-bit content hash (four independent multiply-rotate lanes over 32-byte stripes, as in
/// the xxHash family) for fingerprints of model and corpus files: it reads several GB/s, so hashing
/// a base model's weights costs a fraction of loading them. Not cryptographic: it detects changed
/// inputs, not an adversary.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace polyrep {

class Hasher {
 public:
  explicit Hasher(std::uint64_t seed = 0);
  void update(const void* data, std::size_t bytes);
  void update(const std::string& s) { update(s.data(), s.size()); }
  /// The hash of everything given so far (update may continue afterwards).
  std::uint64_t digest() const;

 private:
  void stripe(const unsigned char* p);
  std::uint64_t lane_[4];
  unsigned char buffer_[32];
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;
  std::uint64_t seed_;
};

std::uint64_t hash_bytes(const void* data, std::size_t bytes, std::uint64_t seed = 0);
/// Streams the file; InputError naming it when it cannot be read.
std::uint64_t hash_file(const std::filesystem::path& path);
/// 16 lowercase hex digits.
std::string hex64(std::uint64_t value);

}  // namespace polyrep
