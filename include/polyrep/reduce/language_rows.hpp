#pragma once
/// Row ranges per language of the clouds that reduce works on. Extraction files store languages
/// contiguously (all sentences of the first language, then the next, ...), so each cloud is a
/// sequence of per-language blocks: offsets[g]..offsets[g+1] are the rows of the g-th language
/// present, and languages[g] is its index into /languages.
#include <hdf5.h>

#include <cstdint>
#include <vector>

namespace polyrep::reduce {

struct LanguageRows {
  std::vector<std::int64_t> offsets{0};
  std::vector<std::int32_t> languages;
};

/// From /sentences/lang and /sentences/token_offset of an extraction file: token rows when
/// `tokens`, else sentence rows.
LanguageRows language_rows(hid_t extraction_root, bool tokens);

/// From a sorted per-row language column (e.g. /reduce/types/lang).
LanguageRows language_rows(const std::vector<std::int32_t>& lang_per_row);

}  // namespace polyrep::reduce
