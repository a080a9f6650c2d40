#include "polyrep/tokenizer/unicode_script.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>

#include "polyrep/tokenizer/utf8.hpp"

namespace polyrep::tokenizer {
namespace {

struct Range {
  char32_t first, last;
  const char* script;
};

// Sorted, non-overlapping; from Scripts.txt (Unicode 15), block-merged per script for the scripts
// of Flores-200 and the scripts mBERT / XLM-R / XGLM vocabularies hold.
constexpr std::array<Range, 64> kRanges{{
    {0x0041, 0x024F, "Latn"},  {0x0250, 0x02AF, "Latn"},  {0x0300, 0x036F, "Zinh"},  {0x0370, 0x03FF, "Grek"},
    {0x0400, 0x052F, "Cyrl"},  {0x0530, 0x058F, "Armn"},  {0x0590, 0x05FF, "Hebr"},  {0x0600, 0x06FF, "Arab"},
    {0x0700, 0x074F, "Syrc"},  {0x0750, 0x077F, "Arab"},  {0x0780, 0x07BF, "Thaa"},  {0x07C0, 0x07FF, "Nkoo"},
    {0x08A0, 0x08FF, "Arab"},  {0x0900, 0x097F, "Deva"},  {0x0980, 0x09FF, "Beng"},  {0x0A00, 0x0A7F, "Guru"},
    {0x0A80, 0x0AFF, "Gujr"},  {0x0B00, 0x0B7F, "Orya"},  {0x0B80, 0x0BFF, "Taml"},  {0x0C00, 0x0C7F, "Telu"},
    {0x0C80, 0x0CFF, "Knda"},  {0x0D00, 0x0D7F, "Mlym"},  {0x0D80, 0x0DFF, "Sinh"},  {0x0E00, 0x0E7F, "Thai"},
    {0x0E80, 0x0EFF, "Laoo"},  {0x0F00, 0x0FFF, "Tibt"},  {0x1000, 0x109F, "Mymr"},  {0x10A0, 0x10FF, "Geor"},
    {0x1100, 0x11FF, "Hang"},  {0x1200, 0x139F, "Ethi"},  {0x13A0, 0x13FF, "Cher"},  {0x1400, 0x167F, "Cans"},
    {0x1680, 0x169F, "Ogam"},  {0x16A0, 0x16FF, "Runr"},  {0x1780, 0x17FF, "Khmr"},  {0x1800, 0x18AF, "Mong"},
    {0x1C50, 0x1C7F, "Olck"},  {0x1C90, 0x1CBF, "Geor"},  {0x1D00, 0x1DBF, "Latn"},  {0x1DC0, 0x1DFF, "Zinh"},
    {0x1E00, 0x1EFF, "Latn"},  {0x1F00, 0x1FFF, "Grek"},  {0x2C00, 0x2C5F, "Glag"},  {0x2C60, 0x2C7F, "Latn"},
    {0x2C80, 0x2CFF, "Copt"},  {0x2D00, 0x2D2F, "Geor"},  {0x2D30, 0x2D7F, "Tfng"},  {0x2D80, 0x2DDF, "Ethi"},
    {0x2DE0, 0x2DFF, "Cyrl"},  {0x2E80, 0x2FDF, "Hani"},  {0x3040, 0x309F, "Hira"},  {0x30A0, 0x30FF, "Kana"},
    {0x3100, 0x312F, "Bopo"},  {0x3130, 0x318F, "Hang"},  {0x3400, 0x4DBF, "Hani"},  {0x4E00, 0x9FFF, "Hani"},
    {0xA000, 0xA4CF, "Yiii"},  {0xA640, 0xA69F, "Cyrl"},  {0xA720, 0xA7FF, "Latn"},  {0xAC00, 0xD7AF, "Hang"},
    {0xF900, 0xFAFF, "Hani"},  {0xFB50, 0xFDFF, "Arab"},  {0xFE70, 0xFEFF, "Arab"},  {0xFF21, 0xFF5A, "Latn"},
}};

bool letter_or_mark(char32_t cp) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view script_of(char32_t cp) {
  if (!letter_or_mark(cp)) return "Zyyy";
  if (cp >= 0x20000 && cp <= 0x3134F) return "Hani";  // CJK extensions B.. (planes 2 and 3)
  const auto it = std::upper_bound(kRanges.begin(), kRanges.end(), cp,
                                   [](char32_t c, const Range& r) { return c < r.first; });
  if (it == kRanges.begin()) return "Zyyy";
  const Range& r = *(it - 1);
  return cp <= r.last ? r.script : "Zyyy";
}

std::string piece_script(std::string_view piece) {
  if (piece.size() == 6 && piece.substr(0, 3) == "<0x" && piece.back() == '>') return "byte";
  if (piece.substr(0, 2) == "##") piece.remove_prefix(2);
  std::string found;
  std::size_t pos = 0;
  while (pos < piece.size()) {
    const char32_t cp = next_code_point(piece, pos);
    if (cp == 0x2581) continue;  // SentencePiece's word start
    const std::string_view script = script_of(cp);
    if (script == "Zyyy" || script == "Zinh") continue;  // combining marks take their base's script
    if (found.empty()) {
      found = script;
    } else if (found != script) {
      return "mixed";
    }
  }
  return found.empty() ? "Zyyy" : found;
}

}  // namespace polyrep::tokenizer
