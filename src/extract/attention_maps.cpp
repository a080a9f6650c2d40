#include "polyrep/extract/attention_maps.hpp"

#include <algorithm>
#include <stdexcept>

namespace polyrep::extract {

std::string to_string(AttentionMode mode) { return mode == AttentionMode::mean ? "mean" : "none"; }

const std::map<std::string, AttentionMode>& attention_mode_names() {
  static const std::map<std::string, AttentionMode> names{{"none", AttentionMode::none}, {"mean", AttentionMode::mean}};
  return names;
}

std::pair<std::int64_t, std::int64_t> AttentionIndex::range(std::int64_t first_sentence, std::int64_t end_sentence) const {
  const auto begin = std::lower_bound(sentence.begin(), sentence.end(), first_sentence);
  const auto end = std::lower_bound(begin, sentence.end(), end_sentence);
  return {begin - sentence.begin(), end - sentence.begin()};
}

AttentionIndex select_attention(const std::vector<std::int32_t>& language, const std::vector<std::int64_t>& token_offset,
                                std::int64_t per_language) {
  if (per_language < 0) throw std::invalid_argument("attention: sentences per language must be >= 0");
  if (token_offset.size() != language.size() + 1)
    throw std::invalid_argument("attention: token offsets must have one more entry than sentences");
  AttentionIndex index;
  index.offset.push_back(0);
  std::map<std::int32_t, std::int64_t> taken;  // maps so far, per language
  for (std::size_t s = 0; s < language.size(); ++s) {
    std::int64_t& count = taken[language[s]];
    if (per_language != 0 && count >= per_language) continue;
    ++count;
    const std::int64_t n = token_offset[s + 1] - token_offset[s];
    index.sentence.push_back(static_cast<std::int64_t>(s));
    index.offset.push_back(index.offset.back() + n * n);
  }
  return index;
}

}  // namespace polyrep::extract
