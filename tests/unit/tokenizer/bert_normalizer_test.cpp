// The BasicTokenizer steps, with expectations taken from HuggingFace's BasicTokenizer (slow,
// transformers 4.40.2) and Python's unicodedata.
#include "polyrep/tokenizer/bert_normalizer.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"

namespace polyrep::tokenizer {
namespace {

using Strings = std::vector<std::string>;

TEST(BertNormalizer, DropsControlAndFormatCharactersButKeepsTabsAndNewlines) {
  // U+0001 (Cc), U+200B ZERO WIDTH SPACE (Cf), U+200D ZWJ (Cf), U+FFFD, NUL, U+E000 (Co).
  EXPECT_EQ(basic_tokenize(std::string("a\x01") + "b\u200Bc\u200Dd\uFFFDe" + std::string(1, '\0') +
                           "f\uE000g"),
            Strings({"abcdefg"}));
  EXPECT_EQ(basic_tokenize("a\tb\nc\rd"), Strings({"a", "b", "c", "d"}));
}

TEST(BertNormalizer, SplitsOnPythonWhitespace) {
  // NBSP and U+3000 are Zs (mapped to ' '); U+2028 (Zl) and U+2029 (Zp) survive cleaning but
  // Python's str.split() still splits on them.
  EXPECT_EQ(basic_tokenize("a\u00A0b\u3000c\u2028d\u2029e   f"),
            Strings({"a", "b", "c", "d", "e", "f"}));
  EXPECT_TRUE(basic_tokenize("  \t\n ").empty());
  EXPECT_TRUE(basic_tokenize("").empty());
}

TEST(BertNormalizer, PutsSpacesAroundCjkIdeographs) {
  EXPECT_EQ(basic_tokenize("ab敏捷的cd"), Strings({"ab", "敏", "捷", "的", "cd"}));
  // Hiragana/katakana and Hangul are not CJK ideographs in BERT's sense.
  EXPECT_EQ(basic_tokenize("ひらがな한국어"), Strings({"ひらがな한국어"}));
  EXPECT_TRUE(is_cjk_ideograph(0x20000));
  EXPECT_FALSE(is_cjk_ideograph(0x3042));
  // CJK spacing can be switched off.
  BasicTokenizerOptions options;
  options.tokenize_chinese_chars = false;
  EXPECT_EQ(basic_tokenize("ab敏捷cd", options), Strings({"ab敏捷cd"}));
}

TEST(BertNormalizer, NormalizesNfdInputToNfc) {
  // "Cafe" + COMBINING ACUTE ACCENT composes to "Café" (U+00E9).
  EXPECT_EQ(basic_tokenize("Cafe\u0301 cre\u0300me"), Strings({"Caf\u00E9", "cr\u00E8me"}));
  // Already NFC text passes unchanged; no lower-casing and no accent stripping by default.
  EXPECT_EQ(basic_tokenize("Übermäßig"), Strings({"Übermäßig"}));
}

TEST(BertNormalizer, SplitsPunctuationIntoWordsOfTheirOwn) {
  EXPECT_EQ(basic_tokenize("Hello, world!"), Strings({"Hello", ",", "world", "!"}));
  // '$' and '^' are ASCII symbols that BERT counts as punctuation; '«' '»' '…' '¿' are P*.
  EXPECT_EQ(basic_tokenize("$5^2 «x» a…b ¿y"),
            Strings({"$", "5", "^", "2", "«", "x", "»", "a", "…", "b", "¿", "y"}));
  // Symbols outside P* and the ASCII ranges (e.g. '€' Sc, '+' is ASCII 43 so it is split) .
  EXPECT_EQ(basic_tokenize("1+1€"), Strings({"1", "+", "1€"}));
}

TEST(BertNormalizer, LowerCasesAndStripsAccentsWhenAsked) {
  BasicTokenizerOptions uncased;
  uncased.do_lower_case = true;  // strip_accents unset: follows do_lower_case, as HF's None
  EXPECT_EQ(basic_tokenize("Héllo WÖRLD", uncased), Strings({"hello", "world"}));
  uncased.strip_accents = false;
  EXPECT_EQ(basic_tokenize("Héllo", uncased), Strings({"héllo"}));
  BasicTokenizerOptions strip_only;
  strip_only.strip_accents = true;
  EXPECT_EQ(basic_tokenize("Héllo", strip_only), Strings({"Hello"}));
}

TEST(BertNormalizer, RejectsInvalidUtf8) {
  EXPECT_THROW(basic_tokenize("abc\xff"), InputError);
  EXPECT_THROW(basic_tokenize("\xC0\xAF"), InputError);          // overlong '/'
  EXPECT_THROW(basic_tokenize("\xED\xA0\x80"), InputError);      // UTF-16 surrogate
  EXPECT_THROW(basic_tokenize("\xE2\x82"), InputError);          // truncated
  try {
    basic_tokenize("ok\xfe");
    FAIL() << "nothing thrown";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid UTF-8"), std::string::npos) << e.what();
  }
}

TEST(BertNormalizer, CharacterClassesFollowPython) {
  EXPECT_TRUE(is_bert_control(0x200D));   // ZWJ, Cf
  EXPECT_FALSE(is_bert_control(U'\t'));
  EXPECT_TRUE(is_bert_whitespace(0x00A0)); // NBSP, Zs
  EXPECT_FALSE(is_bert_whitespace(0x2028));
  EXPECT_TRUE(is_python_space(0x2028));
  EXPECT_TRUE(is_python_space(0x1F));      // unit separator, bidi S
  EXPECT_TRUE(is_python_space(0x85));
  EXPECT_FALSE(is_python_space(0x200B));   // ZWSP is not whitespace for Python
  EXPECT_TRUE(is_bert_punctuation(U'`'));
  EXPECT_TRUE(is_bert_punctuation(0x3002)); // IDEOGRAPHIC FULL STOP, Po
  EXPECT_FALSE(is_bert_punctuation(0x20AC)); // EURO SIGN, Sc
}

}  // namespace
}  // namespace polyrep::tokenizer
