#pragma once
/// The Unicode script of a code point and of a vocabulary piece, as ISO 15924 codes (the suffix of
/// Flores-200 language codes: "Latn", "Cyrl", "Arab", "Deva", "Hani", ...), so that `polyrep
/// embeddings` can colour a vocabulary by script. Derived from the Unicode blocks of the scripts
/// multilingual vocabularies hold (the ranges of Scripts.txt, merged per script), for letters and
/// marks only: digits, punctuation and symbols are "Zyyy" (Common), whatever their block.
#include <string>
#include <string_view>

namespace polyrep::tokenizer {

/// ISO 15924 code of a letter or mark; "Zyyy" for anything else (digits, punctuation, symbols,
/// spaces) and for letters of scripts the table does not hold.
std::string_view script_of(char32_t cp);

/// The script of a tokenizer piece: markers removed ("##" of WordPiece continuations, "▁" of
/// SentencePiece word starts), then the script its letters share; "Zyyy" when it has none,
/// "mixed" when they differ, "byte" for SentencePiece byte pieces ("<0x41>").
std::string piece_script(std::string_view piece);

}  // namespace polyrep::tokenizer
