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

/// 0 means "chosen for the job" (resolve_plan_options).
struct PlanOptions {
  std::int64_t batch_tokens = 0;       // padded tokens per attention group (B * max_len <= this)
  std::int64_t window_sentences = 0;   // a window = consecutive sentences, run through the model packed
                                       // and written in one collective round: at most this many
  std::int64_t window_tokens = 0;      // ... and at most this many real tokens (a single longer
                                       // sentence still forms a window)
};

/// UsageError naming the flag (--batch-tokens, --window-sentences, --window-tokens) for a
/// negative value.
void validate(const PlanOptions& options);

/// The automatic choices, from the device and the job's token count only (never the rank count,
/// so that the file stays the same whatever -np is):
/// - window_tokens: total/32, kept within [384, 1024] on a CPU and [2048, 16384] on a GPU, so
///   that small jobs still have dozens of windows to balance over the ranks while each window's
///   matrix products stay large enough to run near the machine's GEMM peak (measured on 2 cores,
///   OpenBLAS, mBERT shapes, 2 threads: 117 GFLOP/s at 256 rows, 123 at 512, 139 at 1024, 134 at
///   2048; 1 thread: 72, 74, 76, 79). 8 languages x 25 Flores sentences (8,496 mBERT tokens)
///   make 24 windows: 6 per rank at np 4, estimated imbalance 2.9% (512-token windows: 18
///   windows, 14%);
/// - batch_tokens (attention groups): 1 on a CPU, so that each sentence is attended alone, in place
///   and unpadded (measured on one 1,000-token window of mBERT-base at 1 thread: 11 ms per layer
///   against 42 ms for groups of 1024 padded tokens); 8192 on a GPU (few kernel launches);
/// - window_sentences: no limit beyond window_tokens.
PlanOptions resolve_plan_options(PlanOptions given, bool gpu, std::int64_t total_tokens);

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
