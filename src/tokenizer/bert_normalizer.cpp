#include "polyrep/tokenizer/bert_normalizer.hpp"

#include <utf8proc.h>

#include "polyrep/core/error.hpp"
#include "polyrep/tokenizer/utf8.hpp"

namespace polyrep::tokenizer {
namespace {

utf8proc_category_t category(char32_t cp) noexcept {
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

// Scratch buffers reused by every call on the same thread: tokenizing 10^7 tokens must not
// allocate per sentence, let alone per character.
struct Scratch {
  std::vector<char32_t> code_points;
  std::string cleaned;
  std::vector<utf8proc_int32_t> normalized;
  std::vector<char32_t> word;
  std::vector<char32_t> lowered;
  std::string word_utf8;
};

Scratch& scratch() {
  thread_local Scratch instance;
  return instance;
}

// _clean_text followed by _tokenize_chinese_chars, straight into UTF-8.
void clean_text(const std::vector<char32_t>& in, bool space_cjk, std::string& out) {
  out.clear();
  for (const char32_t cp : in) {
    if (cp == 0 || cp == 0xFFFD || is_bert_control(cp)) continue;
    if (is_bert_whitespace(cp)) {
      out.push_back(' ');
    } else if (space_cjk && is_cjk_ideograph(cp)) {
      out.push_back(' ');
      append_utf8(out, cp);
      out.push_back(' ');
    } else {
      append_utf8(out, cp);
    }
  }
}

constexpr utf8proc_option_t kNfc =
    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);
constexpr utf8proc_option_t kNfd =
    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);

// utf8proc's decompose (with canonical reordering), then composition when asked for.
void normalize(const std::string& utf8, utf8proc_option_t options,
               std::vector<utf8proc_int32_t>& out) {
  if (out.size() < utf8.size() + 1) out.resize(utf8.size() + 1);
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
  const auto length = static_cast<utf8proc_ssize_t>(utf8.size());
  utf8proc_ssize_t n =
      utf8proc_decompose(bytes, length, out.data(), static_cast<utf8proc_ssize_t>(out.size()), options);
  if (n > static_cast<utf8proc_ssize_t>(out.size())) {
    out.resize(static_cast<std::size_t>(n));
    n = utf8proc_decompose(bytes, length, out.data(), n, options);
  }
  if (n < 0) throw InputError(std::string("Unicode normalisation failed: ") + utf8proc_errmsg(n));
  if (options & UTF8PROC_COMPOSE) n = utf8proc_normalize_utf32(out.data(), n, options);
  out.resize(static_cast<std::size_t>(n));
}

// Python's str.lower() for one code point, close enough for BERT uncased: utf8proc's simple
// mapping plus the one common multi-code-point case (İ -> i + combining dot). Final-sigma
// context is not reproduced.
void append_lower(std::vector<char32_t>& word, char32_t cp) {
  if (cp == 0x130) {
    word.push_back(U'i');
    word.push_back(0x307);
    return;
  }
  word.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
}

// _run_strip_accents: NFD, then drop the nonspacing marks.
void strip_accents(std::vector<char32_t>& word, Scratch& s) {
  s.word_utf8.clear();
  for (const char32_t cp : word) append_utf8(s.word_utf8, cp);
  normalize(s.word_utf8, kNfd, s.normalized);
  word.clear();
  for (const utf8proc_int32_t cp : s.normalized) {
    if (utf8proc_category(cp) != UTF8PROC_CATEGORY_MN) word.push_back(static_cast<char32_t>(cp));
  }
}

// _run_split_on_punc: every punctuation character is a word of its own.
void split_on_punctuation(const std::vector<char32_t>& word, Words& out) {
  for (const char32_t cp : word) {
    if (is_bert_punctuation(cp)) {
      out.end_word();
      append_utf8(out.buffer(), cp);
      out.end_word();
    } else {
      append_utf8(out.buffer(), cp);
    }
  }
  out.end_word();
}

void finish_word(const BasicTokenizerOptions& options, Scratch& s, Words& out) {
  if (s.word.empty()) return;
  const bool strip = options.strip_accents.value_or(options.do_lower_case);
  if (options.do_lower_case) {
    s.lowered.clear();
    for (const char32_t cp : s.word) append_lower(s.lowered, cp);
    s.word.swap(s.lowered);
  }
  if (strip) strip_accents(s.word, s);
  split_on_punctuation(s.word, out);
  s.word.clear();
}

// True when NFC cannot change the text: every code point below U+0300 (lead bytes < 0xCC) is
// NFC-stable and none of them combines with a predecessor.
bool nfc_is_identity(const std::string& utf8) noexcept {
  for (const char c : utf8) {
    if (static_cast<unsigned char>(c) >= 0xCC) return false;
  }
  return true;
}

}  // namespace

void Words::clear() noexcept {
  buffer_.clear();
  ends_.clear();
}

void Words::push_back(std::string_view word) {
  buffer_.append(word);
  end_word();
}

void Words::end_word() {
  const std::size_t begin = ends_.empty() ? 0 : ends_.back();
  if (buffer_.size() > begin) ends_.push_back(buffer_.size());
}

std::string_view Words::operator[](std::size_t i) const noexcept {
  const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
  return std::string_view(buffer_).substr(begin, ends_[i] - begin);
}

std::vector<std::string> Words::to_vector() const {
  std::vector<std::string> words;
  words.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) words.emplace_back((*this)[i]);
  return words;
}

void basic_tokenize(std::string_view text, const BasicTokenizerOptions& options, Words& out) {
  out.clear();
  Scratch& s = scratch();
  decode_utf8(text, s.code_points);
  clean_text(s.code_points, options.tokenize_chinese_chars, s.cleaned);
  if (nfc_is_identity(s.cleaned)) {
    decode_utf8(s.cleaned, s.code_points);
  } else {
    normalize(s.cleaned, kNfc, s.normalized);
    s.code_points.assign(s.normalized.begin(), s.normalized.end());
  }
  s.word.clear();
  for (const char32_t cp : s.code_points) {
    if (is_python_space(cp)) {
      finish_word(options, s, out);
    } else {
      s.word.push_back(cp);
    }
  }
  finish_word(options, s, out);
}

std::vector<std::string> basic_tokenize(std::string_view text,
                                        const BasicTokenizerOptions& options) {
  Words words;
  basic_tokenize(text, options, words);
  return words.to_vector();
}

bool is_cjk_ideograph(char32_t cp) noexcept {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool is_bert_control(char32_t cp) noexcept {
  if (cp == U'\t' || cp == U'\n' || cp == U'\r') return false;
  if (cp < 0x80) return cp < 0x20 || cp == 0x7F;
  // HF tests category.startswith("C"): Cc, Cf, Cs, Co and unassigned Cn.
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

bool is_bert_whitespace(char32_t cp) noexcept {
  if (cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r') return true;
  if (cp < 0x80) return false;
  return category(cp) == UTF8PROC_CATEGORY_ZS;
}

bool is_bert_punctuation(char32_t cp) noexcept {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
      (cp >= 123 && cp <= 126)) {
    return true;
  }
  if (cp < 0x80) return false;
  const utf8proc_category_t c = category(cp);
  return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
}

bool is_python_space(char32_t cp) noexcept {
  if (cp < 0x80) return cp == U' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return p->category == UTF8PROC_CATEGORY_ZS || p->bidi_class == UTF8PROC_BIDI_CLASS_WS ||
         p->bidi_class == UTF8PROC_BIDI_CLASS_B || p->bidi_class == UTF8PROC_BIDI_CLASS_S;
}

}  // namespace polyrep::tokenizer
