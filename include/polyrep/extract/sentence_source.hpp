#pragma once
/// Streams sampled sentences in canonical order (languages as given, then the sample's sorted line
/// indices), starting at any global sentence index, holding one line at a time. Every phase that
/// needs text — token counting, extraction, the string datasets — reads through it, so no rank
/// ever keeps the corpus in memory.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "polyrep/corpus/corpus.hpp"
#include "polyrep/corpus/line_reader.hpp"

namespace polyrep::extract {

struct Sentence {
  std::int64_t global_index = 0;   // position in canonical order
  std::int32_t language = 0;       // index into the corpus's languages
  std::int64_t source_index = 0;   // 0-based line number in the source file
  std::string text;
};

class SentenceSource {
 public:
  SentenceSource(const corpus::Corpus& corpus, const std::vector<std::int64_t>& sample,
                 std::int64_t first_global);

  /// Fills `out` with the next sentence; false once past the last language.
  bool next(Sentence& out);

  std::int64_t total() const;
  /// Global index of the sentence next() returns next.
  std::int64_t position() const { return next_global_; }
  /// Reads past sentences until position() == global (no-op when already there or past it); for
  /// a resumed run, whose ranks skip the windows already written.
  void skip_to(std::int64_t global);

 private:
  void open_language(std::size_t lang, std::size_t first);

  const corpus::Corpus& corpus_;
  const std::vector<std::int64_t>& sample_;
  std::int64_t next_global_ = 0;
  std::size_t lang_ = 0;
  std::unique_ptr<corpus::LineReader> reader_;
};

}  // namespace polyrep::extract
