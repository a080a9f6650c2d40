#pragma once
/// Strict UTF-8 decoding and encoding shared by the tokenizers. Python, whose behaviour the
/// tokenizers reproduce, cannot even hold invalid UTF-8 in a `str`, so invalid input (overlong
/// forms, surrogates, code points above U+10FFFF, truncated sequences) is rejected with an
/// InputError instead of being repaired.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace polyrep::tokenizer {

/// Byte offset of the first invalid sequence, or npos when `text` is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view text) noexcept;

/// Throws InputError("invalid UTF-8 at byte N ...") unless `text` is valid UTF-8.
void require_valid_utf8(std::string_view text);

/// Decodes `text` into `out` (cleared first); throws InputError on invalid UTF-8.
void decode_utf8(std::string_view text, std::vector<char32_t>& out);

/// Decodes the code point at byte `pos` and advances `pos` past it; throws InputError when the
/// bytes there are not valid UTF-8.
char32_t next_code_point(std::string_view text, std::size_t& pos);

/// Appends the UTF-8 encoding of code point `cp` (assumed valid) to `out`.
void append_utf8(std::string& out, char32_t cp);

}  // namespace polyrep::tokenizer
