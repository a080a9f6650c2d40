#include "polyrep/reduce/language_rows.hpp"

#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/schema/extraction.hpp"

namespace polyrep::reduce {

LanguageRows language_rows(const std::vector<std::int32_t>& lang_per_row) {
  LanguageRows r;
  for (std::size_t i = 0; i < lang_per_row.size(); ++i) {
    if (i == 0 || lang_per_row[i] != lang_per_row[i - 1]) {
      if (i > 0) r.offsets.push_back(static_cast<std::int64_t>(i));
      r.languages.push_back(lang_per_row[i]);
    }
  }
  if (!lang_per_row.empty()) r.offsets.push_back(static_cast<std::int64_t>(lang_per_row.size()));
  return r;
}

LanguageRows language_rows(hid_t extraction_root, bool tokens) {
  const auto lang = h5::read_all<std::int32_t>(h5::Dataset::open(extraction_root, schema::sentences::lang));
  LanguageRows r = language_rows(lang);
  if (tokens) {
    const auto token_offset =
        h5::read_all<std::int64_t>(h5::Dataset::open(extraction_root, schema::sentences::token_offset));
    for (auto& o : r.offsets) o = token_offset[static_cast<std::size_t>(o)];
  }
  return r;
}

}  // namespace polyrep::reduce
