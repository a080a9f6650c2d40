#pragma once
/// The extraction plan: how the canonical sentence list is cut into windows (runs of consecutive
/// sentences written to the file in one collective round) and, inside each window, into
/// length-bucketed forward batches; and how windows are shared out over ranks. The plan depends
/// only on the token counts and the options, never on the number of ranks, so the same sentences
/// are always batched together and the output is byte-identical whatever -np is. Ranks get
/// contiguous window ranges, so each rank's token rows form one contiguous block of the file.
#include <cstdint>
#include <utility>
#include <vector>

namespace polyrep::extract {

struct PlanOptions {
  std::int64_t batch_tokens = 4096;    // padded tokens per forward batch (B * max_len <= this)
  std::int64_t window_sentences = 64;  // a window = consecutive sentences written in one collective round
  std::int64_t window_tokens = 4096;   // ... and at most this many real tokens (a single longer sentence still forms a window)
};

/// UsageError naming the flag (--batch-tokens, --window-sentences, --window-tokens) unless all > 0.
void validate(const PlanOptions& options);

struct Batch {                          // one forward pass
  std::vector<std::int64_t> sentences;  // global sentence indices, sorted by token count descending (ties: ascending index)
  std::int64_t max_len = 0;             // padded length = token count of sentences.front()
};

struct Window {  // consecutive sentences [first_sentence, end_sentence)
  std::int64_t first_sentence = 0, end_sentence = 0;
  std::int64_t first_token = 0, end_token = 0;  // global token rows
  std::vector<Batch> batches;                   // length-bucketed inside the window, longest first
};

struct Plan {
  std::vector<std::int64_t> token_offset;  // n_sentences + 1 prefix sums (CSR)
  std::vector<Window> windows;
  std::int64_t total_tokens() const { return token_offset.empty() ? 0 : token_offset.back(); }
  std::int64_t sentence_count() const {
    return token_offset.empty() ? 0 : static_cast<std::int64_t>(token_offset.size()) - 1;
  }
};

/// Greedy and deterministic: a window grows while it has fewer than window_sentences sentences and
/// its real tokens stay within window_tokens (a window always takes at least one sentence). Inside
/// a window sentences are sorted by length (descending, ties by index) and a batch grows while
/// (sentences + 1) * max_len <= batch_tokens (a batch always takes at least one sentence).
/// Throws UsageError for bad options, std::invalid_argument for a negative token count.
Plan make_plan(const std::vector<std::int32_t>& token_counts, const PlanOptions& options);

struct RankSlice {  // contiguous in canonical order
  std::int64_t first_window = 0, end_window = 0;
  std::int64_t first_sentence = 0, end_sentence = 0;
  std::int64_t first_token = 0, end_token = 0;
  bool empty() const { return first_window == end_window; }
};

/// Contiguous window ranges balanced by token count: the boundary between rank r-1 and r is the
/// window boundary whose token prefix is closest to r * total / nranks (ties: the earlier one), so
/// each share is within one window's tokens of total/nranks. Ranks may get nothing when there are
/// fewer windows than ranks. std::invalid_argument when nranks < 1.
std::vector<RankSlice> partition(const Plan& plan, int nranks);

/// The same with any non-negative weight per window (e.g. estimated forward cost, see
/// work_estimate.hpp) in place of its token count: boundary r is the window boundary whose weight
/// prefix is closest to r * total / nranks. std::invalid_argument for a weight count that differs
/// from the window count, or a negative/NaN weight.
std::vector<RankSlice> partition(const Plan& plan, int nranks, const std::vector<double>& window_weights);

/// Equal split of n items over nranks (for the counting phase): [begin, end) of rank r; the first
/// n % nranks ranks get one more.
std::pair<std::int64_t, std::int64_t> even_share(std::int64_t n, int nranks, int rank);

}  // namespace polyrep::extract
