#include "polyrep/extract/sentence_source.hpp"

#include "polyrep/core/error.hpp"

namespace polyrep::extract {

SentenceSource::SentenceSource(const corpus::Corpus& corpus, const std::vector<std::int64_t>& sample,
                               std::int64_t first_global)
    : corpus_(corpus), sample_(sample), next_global_(first_global) {
  if (sample_.empty() || first_global >= total()) return;
  const auto per_lang = static_cast<std::int64_t>(sample_.size());
  open_language(static_cast<std::size_t>(first_global / per_lang),
                static_cast<std::size_t>(first_global % per_lang));
}

std::int64_t SentenceSource::total() const {
  return static_cast<std::int64_t>(sample_.size() * corpus_.languages().size());
}

void SentenceSource::open_language(std::size_t lang, std::size_t first) {
  lang_ = lang;
  reader_ = std::make_unique<corpus::LineReader>(corpus_, lang, sample_, first);
}

bool SentenceSource::next(Sentence& out) {
  if (!reader_ || next_global_ >= total()) return false;
  std::int64_t source_index = 0;
  while (!reader_->next(out.text, source_index)) {
    if (lang_ + 1 >= corpus_.languages().size()) return false;
    open_language(lang_ + 1, 0);
  }
  out.global_index = next_global_++;
  out.language = static_cast<std::int32_t>(lang_);
  out.source_index = source_index;
  return true;
}

void SentenceSource::skip_to(std::int64_t global) {
  Sentence skipped;
  while (next_global_ < global && next(skipped)) {
  }
}

}  // namespace polyrep::extract
