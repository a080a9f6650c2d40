#include "polyrep/corpus/line_reader.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include "polyrep/core/error.hpp"

namespace polyrep::corpus {

std::ptrdiff_t find_invalid_utf8(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte (RFC 3629 table)
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // overlong
      if (c == 0xED) high = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // overlong
      if (c == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return static_cast<std::ptrdiff_t>(i);  // continuation byte, C0/C1, F5..FF
    }
    if (i + length > n || s[i + 1] < low || s[i + 1] > high) return static_cast<std::ptrdiff_t>(i);
    for (std::size_t k = 2; k < length; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return static_cast<std::ptrdiff_t>(i);
    i += length;
  }
  return -1;
}

LineReader::LineReader(const Corpus& corpus, std::size_t lang, std::vector<std::int64_t> sorted_indices,
                       std::size_t first)
    : path_(corpus.source(lang)),
      column_(corpus.column(lang)),
      header_lines_(corpus.header_lines()),
      indices_(std::move(sorted_indices)),
      position_(first) {
  const std::int64_t lines = corpus.line_count(lang);
  for (std::size_t i = 0; i < indices_.size(); ++i) {
    if (indices_[i] < 0 || indices_[i] >= lines || (i > 0 && indices_[i] <= indices_[i - 1]))
      throw std::invalid_argument("LineReader: indices must be strictly ascending and in [0, " +
                                  std::to_string(lines) + ")");
  }
  if (first > indices_.size()) throw std::invalid_argument("LineReader: start position past the end");
  if (position_ == indices_.size()) return;  // nothing to read: do not even open the file
  in_.open(path_, std::ios::binary);
  if (!in_) throw InputError(path_.string() + ": cannot open for reading");
  char bom[3] = {0, 0, 0};
  in_.read(bom, 3);
  if (!(in_.gcount() == 3 && bom[0] == '\xEF' && bom[1] == '\xBB' && bom[2] == '\xBF')) {
    in_.clear();
    in_.seekg(0);
  }
  next_line_ = -header_lines_;
}

void LineReader::skip_to(std::int64_t index) {
  while (next_line_ < index) {
    in_.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    if (!in_)
      throw InputError(path_.string() + ": ended after line " + std::to_string(next_line_ + header_lines_) +
                       "; it changed since it was counted");
    ++next_line_;
  }
}

bool LineReader::next(std::string& line, std::int64_t& source_index) {
  if (position_ >= indices_.size()) return false;
  const std::int64_t index = indices_[position_];
  skip_to(index);
  if (!std::getline(in_, buffer_))
    throw InputError(path_.string() + ": ended before line " + std::to_string(index + header_lines_ + 1) +
                     "; it changed since it was counted");
  ++next_line_;
  ++position_;
  if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
  const std::string where = path_.string() + ":" + std::to_string(index + header_lines_ + 1);
  std::size_t begin = 0, end = buffer_.size();
  if (column_ >= 0) {
    for (int c = 0; c < column_; ++c) {
      begin = buffer_.find('\t', begin);
      if (begin == std::string::npos)
        throw InputError(where + ": no tab-separated column " + std::to_string(column_ + 1));
      ++begin;
    }
    end = std::min(buffer_.find('\t', begin), buffer_.size());
  }
  line.assign(buffer_, begin, end - begin);
  const std::ptrdiff_t bad = find_invalid_utf8(line);
  if (bad >= 0)
    throw InputError(where + ": invalid UTF-8 at byte " + std::to_string(begin + static_cast<std::size_t>(bad) + 1));
  source_index = index;
  return true;
}

}  // namespace polyrep::corpus
