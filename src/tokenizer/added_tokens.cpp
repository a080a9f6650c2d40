#include "polyrep/tokenizer/added_tokens.hpp"

#include "polyrep/tokenizer/bert_normalizer.hpp"
#include "polyrep/tokenizer/utf8.hpp"

namespace polyrep::tokenizer {
namespace {

// Python's str.rstrip() / str.lstrip() on valid UTF-8 (whitespace as str.isspace()).
std::string_view rstrip_space(std::string_view text) {
  std::size_t keep = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (!is_python_space(next_code_point(text, pos))) keep = pos;
  }
  return text.substr(0, keep);
}

std::string_view lstrip_space(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t begin = pos;
    if (!is_python_space(next_code_point(text, pos))) return text.substr(begin);
  }
  return {};
}

// A single_word token only counts when whitespace (or the text's edge) surrounds it. HF instead
// glues such a token to its neighbour text; treating it as plain text gives the same words for
// every tokenizer in use here.
bool stands_alone(std::string_view text, std::size_t begin, std::size_t end) {
  const bool left_ok = begin == 0 || text[begin - 1] == ' ';
  const bool right_ok = end == text.size() || text[end] == ' ';
  return left_ok && right_ok;
}

}  // namespace

AddedTokenSplitter::AddedTokenSplitter(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)) {
  for (const AddedToken& token : tokens_) {
    if (!token.content.empty()) first_byte_[static_cast<unsigned char>(token.content[0])] = true;
  }
}

const AddedToken* AddedTokenSplitter::longest_match_at(std::string_view text,
                                                       std::size_t pos) const noexcept {
  const AddedToken* best = nullptr;
  for (const AddedToken& token : tokens_) {
    if (token.content.empty() || text.compare(pos, token.content.size(), token.content) != 0) {
      continue;
    }
    if (best == nullptr || token.content.size() > best->content.size()) best = &token;
  }
  return best;
}

void AddedTokenSplitter::split(std::string_view text, std::vector<Segment>& out) const {
  out.clear();
  std::size_t plain_begin = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const AddedToken* match =
        first_byte_[static_cast<unsigned char>(text[pos])] ? longest_match_at(text, pos) : nullptr;
    const std::size_t end = match != nullptr ? pos + match->content.size() : pos;
    if (match == nullptr || (match->single_word && !stands_alone(text, pos, end))) {
      ++pos;
      continue;
    }
    if (pos > plain_begin) out.push_back({text.substr(plain_begin, pos - plain_begin), -1});
    out.push_back({text.substr(pos, end - pos), match->id});
    plain_begin = pos = end;
  }
  if (plain_begin < text.size()) out.push_back({text.substr(plain_begin), -1});
  if (out.size() < 2) return;

  // PreTrainedTokenizer.tokenize: lstrip/rstrip tokens eat the whitespace next to them.
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].added_id < 0) continue;
    const AddedToken* token = longest_match_at(out[i].text, 0);
    if (token == nullptr) continue;
    if (token->rstrip && i + 1 < out.size() && out[i + 1].added_id < 0) {
      out[i + 1].text = lstrip_space(out[i + 1].text);
    }
    if (token->lstrip && i > 0 && out[i - 1].added_id < 0) {
      out[i - 1].text = rstrip_space(out[i - 1].text);
    }
  }
  std::size_t kept = 0;
  for (const Segment& segment : out) {
    if (!segment.text.empty()) out[kept++] = segment;
  }
  out.resize(kept);
}

}  // namespace polyrep::tokenizer
