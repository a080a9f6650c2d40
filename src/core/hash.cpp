#include "polyrep/core/hash.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "polyrep/core/error.hpp"

namespace polyrep {
namespace {

constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kP3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t kP4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t kP5 = 0x27D4EB2F165667C5ULL;

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

std::uint64_t read64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

std::uint64_t lane_round(std::uint64_t acc, std::uint64_t input) { return rotl(acc + input * kP2, 31) * kP1; }

std::uint64_t merge(std::uint64_t acc, std::uint64_t lane) { return (acc ^ lane_round(0, lane)) * kP1 + kP4; }

}  // namespace

Hasher::Hasher(std::uint64_t seed) : seed_(seed) {
  lane_[0] = seed + kP1 + kP2;
  lane_[1] = seed + kP2;
  lane_[2] = seed;
  lane_[3] = seed - kP1;
}

void Hasher::stripe(const unsigned char* p) {
  for (int i = 0; i < 4; ++i) lane_[i] = lane_round(lane_[i], read64(p + 8 * i));
}

void Hasher::update(const void* data, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  length_ += bytes;
  if (buffered_ > 0) {
    const std::size_t take = std::min(bytes, sizeof buffer_ - buffered_);
    std::memcpy(buffer_ + buffered_, p, take);
    buffered_ += take;
    p += take;
    bytes -= take;
    if (buffered_ < sizeof buffer_) return;
    stripe(buffer_);
    buffered_ = 0;
  }
  for (; bytes >= 32; p += 32, bytes -= 32) stripe(p);
  std::memcpy(buffer_, p, bytes);
  buffered_ = bytes;
}

std::uint64_t Hasher::digest() const {
  std::uint64_t h = length_ >= 32 ? rotl(lane_[0], 1) + rotl(lane_[1], 7) + rotl(lane_[2], 12) + rotl(lane_[3], 18)
                                  : seed_ + kP5;
  if (length_ >= 32) {
    for (std::uint64_t lane : lane_) h = merge(h, lane);
  }
  h += length_;
  const unsigned char* p = buffer_;
  std::size_t n = buffered_;
  for (; n >= 8; p += 8, n -= 8) h = rotl(h ^ lane_round(0, read64(p)), 27) * kP1 + kP4;
  for (; n > 0; ++p, --n) h = rotl(h ^ (*p * kP5), 11) * kP1;
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

std::uint64_t hash_bytes(const void* data, std::size_t bytes, std::uint64_t seed) {
  Hasher h(seed);
  h.update(data, bytes);
  return h.digest();
}

std::uint64_t hash_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot be read");
  Hasher h;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    h.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError(path.string() + ": read error");
  return h.digest();
}

std::string hex64(std::uint64_t value) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(value));
  return out;
}

}  // namespace polyrep
