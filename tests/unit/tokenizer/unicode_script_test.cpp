#include "polyrep/tokenizer/unicode_script.hpp"

#include <gtest/gtest.h>

namespace polyrep::tokenizer {
namespace {

TEST(UnicodeScript, CodePointsOfFloresScripts) {
  EXPECT_EQ(script_of(U'a'), "Latn");
  EXPECT_EQ(script_of(U'\u00e9'), "Latn");   // é
  EXPECT_EQ(script_of(U'\u1ec7'), "Latn");   // ệ (Vietnamese)
  EXPECT_EQ(script_of(U'\u03b1'), "Grek");   // α
  EXPECT_EQ(script_of(U'\u0436'), "Cyrl");   // ж
  EXPECT_EQ(script_of(U'\u05d0'), "Hebr");   // א
  EXPECT_EQ(script_of(U'\u0628'), "Arab");   // ب
  EXPECT_EQ(script_of(U'\u0915'), "Deva");   // क
  EXPECT_EQ(script_of(U'\u0995'), "Beng");   // ক
  EXPECT_EQ(script_of(U'\u0b95'), "Taml");   // க
  EXPECT_EQ(script_of(U'\u0e01'), "Thai");   // ก
  EXPECT_EQ(script_of(U'\u10d0'), "Geor");   // ა
  EXPECT_EQ(script_of(U'\u1200'), "Ethi");   // ሀ
  EXPECT_EQ(script_of(U'\u4e2d'), "Hani");   // 中
  EXPECT_EQ(script_of(U'\u3042'), "Hira");   // あ
  EXPECT_EQ(script_of(U'\u30a2'), "Kana");   // ア
  EXPECT_EQ(script_of(U'\uac00'), "Hang");   // 가
  EXPECT_EQ(script_of(U'\u2d30'), "Tfng");   // ⴰ (Tifinagh)
  EXPECT_EQ(script_of(U'\U00020000'), "Hani");  // CJK extension B
}

TEST(UnicodeScript, DigitsPunctuationAndSymbolsAreCommon) {
  for (char32_t cp : {U'7', U'.', U'(', U' ', U'\u00d7', U'\u00a7', U'\u0660', U'\u3002', U'\u20ac'})
    EXPECT_EQ(script_of(cp), "Zyyy") << std::hex << static_cast<unsigned>(cp);
}

TEST(UnicodeScript, PiecesWithoutTheirMarkers) {
  EXPECT_EQ(piece_script("##ing"), "Latn");
  EXPECT_EQ(piece_script("\xE2\x96\x81gato"), "Latn");          // ▁gato
  EXPECT_EQ(piece_script("\xE2\x96\x81\xD0\xBA\xD0\xBE\xD1\x82"), "Cyrl");  // ▁кот
  EXPECT_EQ(piece_script("\xE0\xA4\x95\xE0\xA4\xBE"), "Deva");  // का: the vowel sign takes the letter's script
  EXPECT_EQ(piece_script("##\xE4\xB8\xAD"), "Hani");            // ##中
  EXPECT_EQ(piece_script("1999"), "Zyyy");
  EXPECT_EQ(piece_script("\xE2\x96\x81"), "Zyyy");               // ▁ alone
  EXPECT_EQ(piece_script(".,"), "Zyyy");
  EXPECT_EQ(piece_script("a\xD0\xB1"), "mixed");                 // aб
  EXPECT_EQ(piece_script("<0x41>"), "byte");
  EXPECT_EQ(piece_script("[CLS]"), "Latn");  // specials are told apart by the tokenizer, not here
}

}  // namespace
}  // namespace polyrep::tokenizer
