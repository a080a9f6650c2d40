#include "polyrep/tokenizer/wordpiece.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <unordered_map>

#include "polyrep/core/error.hpp"
#include "polyrep/tokenizer/utf8.hpp"

namespace polyrep::tokenizer {
namespace {

constexpr std::string_view kContinuation = "##";

// Python reads vocab.txt in universal-newline mode: \n, \r\n and \r all end a line.
std::vector<std::string> split_lines(const std::string& content) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] != '\n' && content[i] != '\r') continue;
    lines.emplace_back(content, begin, i - begin);
    if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ++i;
    begin = i + 1;
  }
  if (begin < content.size()) lines.emplace_back(content, begin, std::string::npos);
  return lines;
}

std::size_t count_code_points(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

// HuggingFace keeps the last id of a repeated line, so the first one can never be produced: a
// vocabulary with repeats is damaged (two files concatenated, a bad merge) rather than meant.
void require_distinct(const std::filesystem::path& file, const std::vector<std::string>& pieces) {
  std::unordered_map<std::string_view, std::size_t> first_line;
  first_line.reserve(pieces.size());
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto [it, fresh] = first_line.emplace(pieces[i], i + 1);
    if (!fresh)
      throw InputError(file.string() + ":" + std::to_string(i + 1) + ": '" + pieces[i] + "' repeats line " +
                       std::to_string(it->second) + " (every line of a vocabulary must be distinct)");
  }
}

struct Scratch {
  std::vector<Segment> segments;
  Words words;
};

Scratch& scratch() {
  thread_local Scratch instance;
  return instance;
}

}  // namespace

WordPieceVocab WordPieceVocab::load(const std::filesystem::path& vocab_file) {
  std::ifstream in(vocab_file, std::ios::binary);
  if (!in) throw InputError(vocab_file.string() + ": cannot be opened");
  const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw InputError(vocab_file.string() + ": read failed");
  const std::size_t bad = find_invalid_utf8(content);
  if (bad != std::string::npos) {
    throw InputError(vocab_file.string() + ": invalid UTF-8 at byte " + std::to_string(bad));
  }
  std::vector<std::string> pieces = split_lines(content);
  if (pieces.empty()) throw InputError(vocab_file.string() + ": empty vocabulary");
  require_distinct(vocab_file, pieces);
  return WordPieceVocab(std::move(pieces));
}

WordPieceVocab::WordPieceVocab(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {
  ids_.reserve(pieces_.size());
  for (std::size_t id = 0; id < pieces_.size(); ++id) {
    ids_[pieces_[id]] = static_cast<std::int32_t>(id);  // a repeated piece keeps its last id
  }
  std::vector<PrefixIndex::Entry> entries;
  entries.reserve(ids_.size());
  for (const auto& [piece, id] : ids_) entries.push_back({piece, id});
  index_ = PrefixIndex(std::move(entries));
  continuation_ = index_.root();
  for (const char c : kContinuation) continuation_.advance(static_cast<unsigned char>(c));
}

std::int32_t WordPieceVocab::longest_match(std::string_view text, bool continuation,
                                           std::size_t& length) const noexcept {
  PrefixIndex::Cursor cursor = continuation ? continuation_ : index_.root();
  std::int32_t best = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!cursor.advance(static_cast<unsigned char>(text[i]))) break;
    if (const PrefixIndex::Entry* match = cursor.exact()) {
      best = match->id;
      length = i + 1;
    }
  }
  return best;
}

std::int32_t WordPieceVocab::find(std::string_view piece) const noexcept {
  const auto it = ids_.find(piece);
  return it == ids_.end() ? -1 : it->second;
}

WordPieceTokenizer::WordPieceTokenizer(WordPieceVocab vocab, WordPieceOptions options)
    : vocab_(std::move(vocab)), options_(std::move(options)) {
  unk_id_ = required_id(options_.unk_token);
  cls_id_ = required_id(options_.cls_token);
  sep_id_ = required_id(options_.sep_token);
  pad_id_ = required_id(options_.pad_token);
  std::vector<AddedToken> added = options_.added_tokens;
  if (added.empty()) {
    // HF registers the special tokens as added tokens even when vocab.txt holds them.
    for (const std::string* name : {&options_.pad_token, &options_.unk_token, &options_.cls_token,
                                    &options_.sep_token, &options_.mask_token}) {
      const std::int32_t id = vocab_.find(*name);
      if (id >= 0) added.push_back({*name, id, false, false, false, true});
    }
  }
  for (const AddedToken& token : added) {
    if (token.id < 0) throw InputError("added token '" + token.content + "' has a negative id");
    // vocab_size() is the largest id + 1, which must fit in an int32.
    if (token.id == std::numeric_limits<std::int32_t>::max())
      throw InputError("added token '" + token.content + "' has an id too large for a vocabulary");
    if (token.special && token.id != unk_id_) special_ids_.push_back(token.id);
    vocab_size_ = std::max(vocab_size_, token.id + 1);
  }
  std::sort(special_ids_.begin(), special_ids_.end());
  splitter_ = AddedTokenSplitter(std::move(added));
}

WordPieceTokenizer WordPieceTokenizer::from_vocab_file(const std::filesystem::path& vocab_file,
                                                       WordPieceOptions options) {
  WordPieceVocab vocab = WordPieceVocab::load(vocab_file);
  try {
    return WordPieceTokenizer(std::move(vocab), std::move(options));
  } catch (const InputError&) {
    rethrow_with_context(vocab_file.string());
  }
}

std::int32_t WordPieceTokenizer::required_id(const std::string& token) const {
  const std::int32_t id = vocab_.find(token);
  if (id < 0) throw InputError("the vocabulary has no special token '" + token + "'");
  return id;
}

// HF tries ever shorter candidates from the end of the word; the longest vocabulary prefix found
// in one forward pass is the same piece. Pieces are valid UTF-8, so a match never ends inside a
// character.
void WordPieceTokenizer::word_to_ids(std::string_view word, std::vector<std::int32_t>& ids) const {
  if (count_code_points(word) > options_.max_input_chars_per_word) {
    ids.push_back(unk_id_);
    return;
  }
  const std::size_t first = ids.size();
  for (std::size_t start = 0; start < word.size();) {
    std::size_t length = 0;
    const std::int32_t id = vocab_.longest_match(word.substr(start), start > 0, length);
    if (id < 0) {  // an unmatched remainder turns the whole word into one [UNK]
      ids.resize(first);
      ids.push_back(unk_id_);
      return;
    }
    ids.push_back(id);
    start += length;
  }
}

void WordPieceTokenizer::content_ids(std::string_view text, std::vector<std::int32_t>& ids) const {
  require_valid_utf8(text);
  Scratch& s = scratch();
  splitter_.split(text, s.segments);
  for (const Segment& segment : s.segments) {
    if (segment.added_id >= 0) {
      ids.push_back(segment.added_id);
      continue;
    }
    basic_tokenize(segment.text, options_.basic, s.words);
    for (std::size_t i = 0; i < s.words.size(); ++i) word_to_ids(s.words[i], ids);
  }
}

std::vector<std::string> WordPieceTokenizer::tokenize(std::string_view text) const {
  std::vector<std::int32_t> ids;
  content_ids(text, ids);
  std::vector<std::string> pieces;
  pieces.reserve(ids.size());
  for (const std::int32_t id : ids) pieces.push_back(id_to_piece(id));
  return pieces;
}

Encoded WordPieceTokenizer::encode(std::string_view text, std::size_t max_tokens) const {
  constexpr std::size_t kSpecials = 2;
  if (max_tokens > 0 && max_tokens < kSpecials) {
    throw UsageError("max_tokens " + std::to_string(max_tokens) +
                     " leaves no room for [CLS] and [SEP]");
  }
  Encoded encoded;
  encoded.ids.push_back(cls_id_);
  content_ids(text, encoded.ids);
  if (max_tokens > 0 && encoded.ids.size() + 1 > max_tokens) {
    encoded.ids.resize(max_tokens - 1);
    encoded.truncated = true;
  }
  encoded.ids.push_back(sep_id_);
  return encoded;
}

std::string WordPieceTokenizer::id_to_piece(std::int32_t id) const {
  for (const AddedToken& token : splitter_.tokens()) {
    if (token.id == id) return token.content;
  }
  if (id < 0 || id >= vocab_size_) {
    throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                     std::to_string(vocab_size_) + ")");
  }
  return id < vocab_.size() ? vocab_.piece(id) : options_.unk_token;
}

bool WordPieceTokenizer::is_special(std::int32_t id) const {
  return std::binary_search(special_ids_.begin(), special_ids_.end(), id);
}

}  // namespace polyrep::tokenizer
