#include "polyrep/tokenizer/spm_normalizer.hpp"

#include <cstring>

#include "polyrep/core/error.hpp"

namespace polyrep::tokenizer {
namespace {

constexpr std::string_view kSpaceSymbol = "\xe2\x96\x81";  // U+2581 "▁"
constexpr std::size_t kMaxTrieResults = 32;  // sentencepiece keeps only the first 32 matches

// darts-clone's DoubleArrayUnit accessors.
bool has_leaf(std::uint32_t unit) { return ((unit >> 8) & 1u) == 1u; }
std::uint32_t unit_value(std::uint32_t unit) { return unit & ((1u << 31) - 1); }
std::uint32_t unit_label(std::uint32_t unit) { return unit & ((1u << 31) | 0xFFu); }
std::uint32_t unit_offset(std::uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }

// sentencepiece's string_util::OneCharLen.
std::size_t one_char_len(char lead) {
  return static_cast<std::size_t>("\1\1\1\1\1\1\1\1\1\1\1\1\2\2\3\4"[(lead & 0xFF) >> 4]);
}

std::uint32_t read_le32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace

SpmNormalizer::SpmNormalizer(const SpmNormalizerSpec& spec, bool treat_whitespace_as_suffix,
                             std::vector<std::string> user_defined_symbols)
    : spec_(spec),
      treat_whitespace_as_suffix_(treat_whitespace_as_suffix),
      user_defined_(std::move(user_defined_symbols)) {
  const std::string& blob = spec_.precompiled_charsmap;
  if (blob.empty()) return;  // e.g. "identity": no rewriting
  const auto fail = [] { throw InputError("sentencepiece model: broken precompiled_charsmap"); };
  if (blob.size() <= 4) fail();
  const std::uint32_t trie_bytes = read_le32(blob.data());
  if (trie_bytes == 0 || trie_bytes % 4 != 0 || trie_bytes > blob.size() - 4) fail();
  trie_.resize(trie_bytes / 4);
  for (std::size_t i = 0; i < trie_.size(); ++i) trie_[i] = read_le32(blob.data() + 4 + 4 * i);
  replacements_ = blob.substr(4 + trie_bytes);
}

// darts-clone commonPrefixSearch, keeping the longest of the first kMaxTrieResults matches;
// indices are bounds-checked so that a corrupt map cannot read outside the array.
std::size_t SpmNormalizer::longest_charsmap_match(std::string_view input,
                                                  std::uint32_t& value) const {
  std::size_t longest = 0, results = 0;
  std::size_t node = unit_offset(trie_[0]);
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto byte = static_cast<unsigned char>(input[i]);
    node ^= byte;
    if (node >= trie_.size() || unit_label(trie_[node]) != byte) break;
    const std::uint32_t unit = trie_[node];
    node ^= unit_offset(unit);
    if (has_leaf(unit)) {
      if (node >= trie_.size()) break;
      if (results++ < kMaxTrieResults) {
        longest = i + 1;
        value = unit_value(trie_[node]);
      }
    }
  }
  return longest;
}

std::pair<std::string_view, std::size_t> SpmNormalizer::normalize_prefix(
    std::string_view input) const {
  if (input.empty()) return {};
  std::size_t user_length = 0;
  for (const std::string& symbol : user_defined_) {
    if (symbol.size() > user_length && input.compare(0, symbol.size(), symbol) == 0) {
      user_length = symbol.size();
    }
  }
  if (user_length > 0) return {input.substr(0, user_length), user_length};

  std::uint32_t value = 0;
  const std::size_t length = trie_.empty() ? 0 : longest_charsmap_match(input, value);
  if (length > 0 && value < replacements_.size()) {
    const std::string_view rest = std::string_view(replacements_).substr(value);
    return {rest.substr(0, std::min(rest.find('\0'), rest.size())), length};
  }
  // Input is valid UTF-8 (checked by the caller), so one character is always well-formed.
  const std::size_t char_length = std::min(one_char_len(input[0]), input.size());
  return {input.substr(0, char_length), char_length};
}

void SpmNormalizer::normalize(std::string_view input, std::string& out) const {
  out.clear();
  if (spec_.remove_extra_whitespaces) {
    while (!input.empty()) {
      const auto [piece, consumed] = normalize_prefix(input);
      if (piece != " ") break;
      input.remove_prefix(consumed);
    }
  }
  if (input.empty()) return;
  const std::string_view space = spec_.escape_whitespaces ? kSpaceSymbol : std::string_view(" ");
  if (!treat_whitespace_as_suffix_ && spec_.add_dummy_prefix) out.append(space);

  bool is_prev_space = spec_.remove_extra_whitespaces;
  while (!input.empty()) {
    auto [piece, consumed] = normalize_prefix(input);
    while (is_prev_space && !piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
    if (!piece.empty()) {
      for (const char c : piece) {
        if (c == ' ' && spec_.escape_whitespaces) {
          out.append(kSpaceSymbol);
        } else {
          out.push_back(c);
        }
      }
      is_prev_space = piece.back() == ' ';
    }
    input.remove_prefix(consumed);
    if (!spec_.remove_extra_whitespaces) is_prev_space = false;
  }
  if (spec_.remove_extra_whitespaces) {
    while (out.size() >= space.size() && out.compare(out.size() - space.size(), space.size(), space) == 0) {
      out.resize(out.size() - space.size());
    }
  }
  if (treat_whitespace_as_suffix_ && spec_.add_dummy_prefix) out.append(space);
}

}  // namespace polyrep::tokenizer
