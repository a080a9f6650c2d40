#pragma once
/// Base64 (RFC 4648, with padding) of raw bytes: the report carries its typed arrays (coordinates,
/// language ids, ...) as base64 of little-endian bytes, a third larger than binary but 3-4 times
/// smaller than the same numbers as JSON text, and decoded by the browser in one pass.
#include <cstddef>
#include <string>
#include <vector>

namespace polyrep::plot {

std::string base64_encode(const void* data, std::size_t bytes);

template <typename T>
std::string base64_of(const std::vector<T>& values) {
  return base64_encode(values.data(), values.size() * sizeof(T));
}

}  // namespace polyrep::plot
