#pragma once
/// SentencePiece unigram segmentation, reproducing sentencepiece 0.1.97 exactly: normalise, then
/// the "optimized" Viterbi of `unigram::Model::EncodeOptimized` (same float/double arithmetic and
/// tie-breaking), then runs of unknown pieces merged into one, as `SentencePieceProcessor::Encode`
/// does. Ids are sentencepiece's own (no fairseq shift here).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "polyrep/tokenizer/prefix_index.hpp"
#include "polyrep/tokenizer/spm_model.hpp"
#include "polyrep/tokenizer/spm_normalizer.hpp"

namespace polyrep::tokenizer {

class SpmUnigram {
 public:
  /// Throws InputError for models encoding cannot reproduce (BPE/word/char models, byte
  /// fallback) or that sentencepiece itself would reject (no <unk>, duplicate pieces).
  explicit SpmUnigram(SpmModel model);
  static SpmUnigram load(const std::filesystem::path& model_file);

  /// Pieces (normalised text, "▁" for spaces) and their sentencepiece ids; both cleared first.
  /// `text` must be valid UTF-8.
  void encode(std::string_view text, std::vector<std::string>& pieces,
              std::vector<std::int32_t>& ids) const;

  /// sentencepiece's PieceToId: the piece's id, or unk_id() when absent.
  std::int32_t piece_to_id(std::string_view piece) const;
  const std::string& id_to_piece(std::int32_t id) const;
  std::int32_t size() const noexcept { return static_cast<std::int32_t>(model_.pieces.size()); }
  std::int32_t unk_id() const noexcept { return unk_id_; }

 private:
  struct BestPath {
    std::int32_t id = -1;
    float score = 0.0f;
    std::int32_t starts_at = -1;
  };
  void index_pieces();
  void viterbi(std::string_view normalized, std::vector<BestPath>& best) const;

  SpmModel model_;
  SpmNormalizer normalizer_;
  PrefixIndex index_;  // NORMAL, USER_DEFINED and UNUSED pieces (sentencepiece's trie)
  std::unordered_map<std::string_view, std::int32_t> normal_ids_, reserved_ids_;
  std::int32_t unk_id_ = -1;
  float min_score_ = 0.0f, max_score_ = 0.0f;
};

}  // namespace polyrep::tokenizer
