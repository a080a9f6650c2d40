#include "polyrep/tokenizer/spm_unigram.hpp"

#include <algorithm>
#include <cfloat>

#include "polyrep/core/error.hpp"

namespace polyrep::tokenizer {
namespace {

constexpr float kUnkPenalty = 10.0f;

bool in_trie(SpmPiece::Type type) {
  return type == SpmPiece::Type::normal || type == SpmPiece::Type::user_defined ||
         type == SpmPiece::Type::unused;
}

std::vector<std::string> user_defined_symbols(const SpmModel& model) {
  std::vector<std::string> symbols;
  for (const SpmPiece& piece : model.pieces) {
    if (piece.type == SpmPiece::Type::user_defined) symbols.push_back(piece.piece);
  }
  return symbols;
}

std::size_t one_char_len(char lead) {
  return static_cast<std::size_t>("\1\1\1\1\1\1\1\1\1\1\1\1\2\2\3\4"[(lead & 0xFF) >> 4]);
}


}  // namespace

SpmUnigram::SpmUnigram(SpmModel model)
    : model_(std::move(model)),
      normalizer_(model_.normalizer, model_.treat_whitespace_as_suffix, user_defined_symbols(model_)) {
  if (model_.algorithm != SpmModel::Algorithm::unigram) {
    throw InputError("sentencepiece model: only unigram models are supported (XLM-R, XGLM)");
  }
  if (model_.byte_fallback) {
    throw InputError("sentencepiece model: byte_fallback models are not supported");
  }
  index_pieces();
}

SpmUnigram SpmUnigram::load(const std::filesystem::path& model_file) {
  SpmModel model = read_spm_model(model_file);
  try {
    return SpmUnigram(std::move(model));
  } catch (const InputError&) {
    rethrow_with_context(model_file.string());
  }
}

void SpmUnigram::index_pieces() {
  std::vector<PrefixIndex::Entry> entries;
  min_score_ = FLT_MAX;
  max_score_ = FLT_MIN;  // sic: sentencepiece starts from the smallest *positive* float
  for (std::size_t i = 0; i < model_.pieces.size(); ++i) {
    const SpmPiece& piece = model_.pieces[i];
    const auto id = static_cast<std::int32_t>(i);
    auto& ids = in_trie(piece.type) ? normal_ids_ : reserved_ids_;
    if (!ids.emplace(piece.piece, id).second) {
      throw InputError("sentencepiece model: piece '" + piece.piece + "' is defined twice");
    }
    if (in_trie(piece.type)) entries.push_back({piece.piece, id});
    if (piece.type == SpmPiece::Type::unknown) {
      if (unk_id_ >= 0) throw InputError("sentencepiece model: more than one <unk> piece");
      unk_id_ = id;
    }
    if (piece.type == SpmPiece::Type::normal) {
      min_score_ = std::min(min_score_, piece.score);
      max_score_ = std::max(max_score_, piece.score);
    }
  }
  if (unk_id_ < 0) throw InputError("sentencepiece model: no <unk> piece");
  if (entries.empty()) throw InputError("sentencepiece model: no pieces to match");
  index_ = PrefixIndex(std::move(entries));
}

std::int32_t SpmUnigram::piece_to_id(std::string_view piece) const {
  if (const auto it = reserved_ids_.find(piece); it != reserved_ids_.end()) return it->second;
  if (const auto it = normal_ids_.find(piece); it != normal_ids_.end()) return it->second;
  return unk_id_;
}

const std::string& SpmUnigram::id_to_piece(std::int32_t id) const {
  return model_.pieces.at(static_cast<std::size_t>(id)).piece;
}

// sentencepiece's EncodeOptimized with its double-array trie replaced by a PrefixIndex cursor:
// candidates are visited in the same order (by start, then by length), so ties resolve
// identically. Scores mix float and double exactly as the original does.
void SpmUnigram::viterbi(std::string_view text, std::vector<BestPath>& best) const {
  const std::size_t size = text.size();
  best.assign(size + 1, BestPath{});
  const float unk_score = min_score_ - kUnkPenalty;
  std::size_t start = 0;
  while (start < size) {
    const float till_here = best[start].score;
    const std::size_t mblen = std::min(one_char_len(text[start]), size - start);
    bool has_single_node = false;
    PrefixIndex::Cursor cursor = index_.root();
    for (std::size_t length = 1; start + length <= size; ++length) {
      if (!cursor.advance(static_cast<unsigned char>(text[start + length - 1]))) break;
      const PrefixIndex::Entry* match = cursor.exact();
      if (match == nullptr) continue;  // no piece ends here
      const SpmPiece& piece = model_.pieces[static_cast<std::size_t>(match->id)];
      if (piece.type == SpmPiece::Type::unused) continue;
      // User-defined symbols get a bonus so that they are always selected.
      const double score = piece.type == SpmPiece::Type::user_defined
                               ? static_cast<double>(static_cast<float>(length) * max_score_) - 0.1
                               : static_cast<double>(piece.score);
      const double candidate = score + static_cast<double>(till_here);
      BestPath& target = best[start + length];
      if (target.starts_at == -1 || candidate > static_cast<double>(target.score)) {
        target = {match->id, static_cast<float>(candidate), static_cast<std::int32_t>(start)};
      }
      if (length == mblen) has_single_node = true;
    }
    if (!has_single_node) {
      BestPath& target = best[start + mblen];
      const float candidate = unk_score + till_here;
      if (target.starts_at == -1 || candidate > target.score) {
        target = {unk_id_, candidate, static_cast<std::int32_t>(start)};
      }
    }
    start += mblen;
  }
}

void SpmUnigram::encode(std::string_view text, std::vector<std::string>& pieces,
                        std::vector<std::int32_t>& ids) const {
  pieces.clear();
  ids.clear();
  thread_local std::string normalized;
  thread_local std::vector<BestPath> best;
  thread_local std::vector<std::size_t> ends;
  normalizer_.normalize(text, normalized);
  if (normalized.empty()) return;
  viterbi(normalized, best);
  ends.clear();
  for (std::size_t end = normalized.size(); end > 0;) {
    ends.push_back(end);
    end = static_cast<std::size_t>(best[end].starts_at);
  }
  // Runs of unknown pieces become one piece, as SentencePieceProcessor::Encode merges them.
  bool previous_unknown = false;
  std::size_t begin = 0;
  for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
    const std::size_t end = *it;
    const bool unknown = best[end].id == unk_id_;
    const std::string_view piece = std::string_view(normalized).substr(begin, end - begin);
    if (unknown && previous_unknown) {
      pieces.back().append(piece);
    } else {
      pieces.emplace_back(piece);
      ids.push_back(best[end].id);
    }
    previous_unknown = unknown;
    begin = end;
  }
}

}  // namespace polyrep::tokenizer
