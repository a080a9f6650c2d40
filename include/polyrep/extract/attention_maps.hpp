#pragma once
/// Which sentences get a stored attention map (`extract --attention mean`) and where each map lies
/// in /attention/mean (README "Attention maps"). Sentence k of the index has a T x T map per
/// transformer layer (T its token count, row = query, row-major), stored at columns
/// [offset[k], offset[k+1]) of /attention/mean. The index depends only on the canonical sentence
/// list and the token counts, never on the rank count, and since windows are consecutive
/// sentences, a window's maps are one contiguous run of columns: one collective write per round.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace polyrep::extract {

/// --attention: none, or the attention probabilities averaged over heads.
enum class AttentionMode { none, mean };
std::string to_string(AttentionMode mode);  // "none" | "mean"
const std::map<std::string, AttentionMode>& attention_mode_names();

struct AttentionIndex {
  std::vector<std::int64_t> sentence;  // ascending global sentence indices (rows of /sentences)
  std::vector<std::int64_t> offset;    // sentence.size() + 1 prefix sums of T^2 (empty when no maps)

  std::int64_t maps() const { return static_cast<std::int64_t>(sentence.size()); }
  std::int64_t elements() const { return offset.empty() ? 0 : offset.back(); }
  /// [begin, end) into `sentence` of the maps of sentences [first_sentence, end_sentence).
  std::pair<std::int64_t, std::int64_t> range(std::int64_t first_sentence, std::int64_t end_sentence) const;
};

/// The first `per_language` sentences of each language in canonical order (0 = every sentence),
/// from the per-sentence language table and the n_sent + 1 token offsets. std::invalid_argument
/// for a negative `per_language` or tables of different lengths.
AttentionIndex select_attention(const std::vector<std::int32_t>& language, const std::vector<std::int64_t>& token_offset,
                                std::int64_t per_language);

}  // namespace polyrep::extract
