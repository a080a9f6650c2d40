#include "polyrep/tokenizer/prefix_index.hpp"

#include <algorithm>
#include <cstring>

namespace polyrep::tokenizer {
namespace {

// Unsigned byte order: within a range that shares `depth` bytes, keys are then sorted by their
// byte at `depth`, with the key that ends there first.
bool byte_less(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  return c != 0 ? c < 0 : a.size() < b.size();
}

}  // namespace

PrefixIndex::PrefixIndex(std::vector<Entry> entries) : entries_(std::move(entries)) {
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return byte_less(a.key, b.key); });
}

bool PrefixIndex::Cursor::advance(unsigned char byte) noexcept {
  const std::size_t depth = depth_;
  const int wanted = byte;
  const auto byte_at = [depth](const Entry& e) {
    return e.key.size() > depth ? static_cast<int>(static_cast<unsigned char>(e.key[depth])) : -1;
  };
  lo_ = std::partition_point(lo_, hi_, [&](const Entry& e) { return byte_at(e) < wanted; });
  hi_ = std::partition_point(lo_, hi_, [&](const Entry& e) { return byte_at(e) <= wanted; });
  ++depth_;
  return lo_ != hi_;
}

const PrefixIndex::Entry* PrefixIndex::Cursor::exact() const noexcept {
  return lo_ != hi_ && lo_->key.size() == depth_ ? lo_ : nullptr;
}

}  // namespace polyrep::tokenizer
