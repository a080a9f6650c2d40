#pragma once
/// A compact index for "which vocabulary pieces start with these bytes?": the pieces sorted by
/// bytes, and a cursor that narrows the range one input byte at a time. Both tokenizers need
/// every piece that matches at a position, in order of length (SentencePiece's Viterbi) or the
/// longest one (WordPiece), and this finds them in one forward pass with no allocation, at a
/// fraction of the memory of a pointer-based trie. The index stores views: the piece strings must
/// outlive it and stay in place.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace polyrep::tokenizer {

class PrefixIndex {
 public:
  struct Entry {
    std::string_view key;
    std::int32_t id;
  };

  class Cursor {
   public:
    Cursor() = default;  // matches nothing
    /// Narrows to the keys whose next byte is `byte`; false (and empty) when there are none.
    bool advance(unsigned char byte) noexcept;
    /// The key equal to all bytes consumed so far, or nullptr.
    const Entry* exact() const noexcept;
    bool empty() const noexcept { return lo_ == hi_; }
    std::size_t depth() const noexcept { return depth_; }

   private:
    friend class PrefixIndex;
    Cursor(const Entry* lo, const Entry* hi) : lo_(lo), hi_(hi) {}
    const Entry* lo_ = nullptr;
    const Entry* hi_ = nullptr;
    std::size_t depth_ = 0;
  };

  PrefixIndex() = default;
  /// Keys must be unique.
  explicit PrefixIndex(std::vector<Entry> entries);

  /// A cursor over all keys (nothing consumed yet).
  Cursor root() const noexcept { return Cursor(entries_.data(), entries_.data() + entries_.size()); }
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace polyrep::tokenizer
