#include "polyrep/tokenizer/utf8.hpp"

#include "polyrep/core/error.hpp"

namespace polyrep::tokenizer {
namespace {

// Decodes one sequence at `pos` (not ASCII); returns its length, or 0 when invalid.
std::size_t decode_multibyte(std::string_view text, std::size_t pos, char32_t& cp) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1Fu, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0Fu, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(i) & 0x3Fu);
  }
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (cp < min || cp > 0x10FFFF || surrogate) return 0;
  return length;
}

[[noreturn]] void throw_invalid(std::size_t offset) {
  throw InputError("invalid UTF-8 at byte " + std::to_string(offset) + " of the text to tokenize");
}

}  // namespace

std::size_t find_invalid_utf8(std::string_view text) noexcept {
  std::size_t pos = 0;
  char32_t cp = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t length = decode_multibyte(text, pos, cp);
    if (length == 0) return pos;
    pos += length;
  }
  return std::string_view::npos;
}

void require_valid_utf8(std::string_view text) {
  const std::size_t bad = find_invalid_utf8(text);
  if (bad != std::string_view::npos) throw_invalid(bad);
}

void decode_utf8(std::string_view text, std::vector<char32_t>& out) {
  out.clear();
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
      out.push_back(lead);
      ++pos;
      continue;
    }
    char32_t cp = 0;
    const std::size_t length = decode_multibyte(text, pos, cp);
    if (length == 0) throw_invalid(pos);
    out.push_back(cp);
    pos += length;
  }
}

char32_t next_code_point(std::string_view text, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  char32_t cp = 0;
  const std::size_t length = decode_multibyte(text, pos, cp);
  if (length == 0) throw_invalid(pos);
  pos += length;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace polyrep::tokenizer
