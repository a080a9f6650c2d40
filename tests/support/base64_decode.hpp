#pragma once
// Decoding the report payload's base64 arrays in tests, independently of src/plot/base64.cpp
// (the code under test encodes them).
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace polyrep::test {

inline std::vector<std::uint8_t> unbase64(const std::string& s) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    acc = (acc << 6) | std::uint32_t(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(std::uint8_t((acc >> bits) & 0xff));
    }
  }
  return out;
}

/// The little-endian array of T a base64 string holds.
template <typename T>
std::vector<T> typed(const std::string& b64) {
  const auto bytes = unbase64(b64);
  std::vector<T> v(bytes.size() / sizeof(T));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
  return v;
}

}  // namespace polyrep::test
