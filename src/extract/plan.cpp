#include "polyrep/extract/plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "polyrep/core/error.hpp"

namespace polyrep::extract {

namespace {

void require_positive(std::int64_t value, const char* flag) {
  if (value <= 0) throw UsageError(std::string(flag) + " must be positive (got " + std::to_string(value) + ")");
}

void require_non_negative(std::int64_t value, const char* flag) {
  if (value < 0)
    throw UsageError(std::string(flag) + " must not be negative (got " + std::to_string(value) +
                     "; 0 = chosen for the job)");
}

std::vector<Batch> make_batches(const std::vector<std::int32_t>& counts, std::int64_t first,
                                std::int64_t end, std::int64_t batch_tokens) {
  std::vector<std::int64_t> order;
  order.reserve(static_cast<std::size_t>(end - first));
  for (std::int64_t s = first; s < end; ++s) order.push_back(s);
  std::sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const auto ca = counts[static_cast<std::size_t>(a)], cb = counts[static_cast<std::size_t>(b)];
    return ca != cb ? ca > cb : a < b;
  });
  std::vector<Batch> batches;
  for (std::size_t k = 0; k < order.size();) {
    Batch batch;
    batch.max_len = counts[static_cast<std::size_t>(order[k])];
    do {
      batch.sentences.push_back(order[k++]);
    } while (k < order.size() &&
             static_cast<std::int64_t>(batch.sentences.size() + 1) * batch.max_len <= batch_tokens);
    batches.push_back(std::move(batch));
  }
  return batches;
}

RankSlice slice_between(const Plan& plan, std::int64_t first_window, std::int64_t end_window) {
  const auto n_windows = static_cast<std::int64_t>(plan.windows.size());
  const auto start_of = [&](std::int64_t w, bool sentence) {
    if (w < n_windows) {
      const Window& window = plan.windows[static_cast<std::size_t>(w)];
      return sentence ? window.first_sentence : window.first_token;
    }
    return sentence ? plan.sentence_count() : plan.total_tokens();
  };
  RankSlice slice;
  slice.first_window = first_window;
  slice.end_window = end_window;
  slice.first_sentence = start_of(first_window, true);
  slice.end_sentence = start_of(end_window, true);
  slice.first_token = start_of(first_window, false);
  slice.end_token = start_of(end_window, false);
  return slice;
}

}  // namespace

void validate(const PlanOptions& options) {
  require_non_negative(options.batch_tokens, "--batch-tokens");
  require_non_negative(options.window_sentences, "--window-sentences");
  require_non_negative(options.window_tokens, "--window-tokens");
}

PlanOptions resolve_plan_options(PlanOptions given, bool gpu, std::int64_t total_tokens) {
  validate(given);
  if (given.batch_tokens == 0) given.batch_tokens = gpu ? 8192 : 1;
  if (given.window_sentences == 0) given.window_sentences = std::numeric_limits<std::int64_t>::max();
  if (given.window_tokens == 0) {
    const std::int64_t low = gpu ? 2048 : 384, high = gpu ? 16384 : 1024;
    given.window_tokens = std::clamp<std::int64_t>(total_tokens / 32, low, high);
  }
  return given;
}

Plan make_plan(const std::vector<std::int32_t>& token_counts, const PlanOptions& options) {
  require_positive(options.batch_tokens, "--batch-tokens");
  require_positive(options.window_sentences, "--window-sentences");
  require_positive(options.window_tokens, "--window-tokens");
  const auto n = static_cast<std::int64_t>(token_counts.size());
  Plan plan;
  plan.token_offset.assign(token_counts.size() + 1, 0);
  for (std::size_t s = 0; s < token_counts.size(); ++s) {
    if (token_counts[s] < 0)
      throw std::invalid_argument("make_plan: negative token count for sentence " + std::to_string(s));
    plan.token_offset[s + 1] = plan.token_offset[s] + token_counts[s];
  }
  const auto offset = [&](std::int64_t s) { return plan.token_offset[static_cast<std::size_t>(s)]; };
  for (std::int64_t s = 0; s < n;) {
    Window window;
    window.first_sentence = s;
    do {
      ++s;
    } while (s < n && s - window.first_sentence < options.window_sentences &&
             offset(s + 1) - offset(window.first_sentence) <= options.window_tokens);
    window.end_sentence = s;
    window.first_token = offset(window.first_sentence);
    window.end_token = offset(s);
    window.batches = make_batches(token_counts, window.first_sentence, s, options.batch_tokens);
    plan.windows.push_back(std::move(window));
  }
  return plan;
}

std::vector<RankSlice> partition(const Plan& plan, int nranks) {
  std::vector<double> tokens;
  tokens.reserve(plan.windows.size());
  for (const Window& window : plan.windows) tokens.push_back(static_cast<double>(window.end_token - window.first_token));
  return partition(plan, nranks, tokens);
}

std::vector<RankSlice> partition(const Plan& plan, int nranks, const std::vector<double>& window_weights) {
  if (nranks < 1) throw std::invalid_argument("partition: nranks must be >= 1");
  if (window_weights.size() != plan.windows.size())
    throw std::invalid_argument("partition: " + std::to_string(window_weights.size()) + " weights for " +
                                std::to_string(plan.windows.size()) + " windows");
  // prefix[b] = weight before window b; boundaries are window indices 0..W. Integer-valued weights
  // (token counts) stay exact in double up to 2^53, so token partitions have exact ties.
  std::vector<double> prefix{0.0};
  prefix.reserve(plan.windows.size() + 1);
  for (double w : window_weights) {
    if (!(w >= 0)) throw std::invalid_argument("partition: negative or NaN window weight");
    prefix.push_back(prefix.back() + w);
  }
  const double total = prefix.back();
  const auto distance = [&](std::size_t b, int r) { return std::abs(prefix[b] * nranks - r * total); };
  std::vector<std::size_t> bounds{0};
  for (int r = 1; r < nranks; ++r) {
    const std::size_t prev = bounds.back();
    const auto above = std::find_if(prefix.begin() + static_cast<std::ptrdiff_t>(prev), prefix.end(),
                                    [&](double p) { return p * nranks >= r * total; });
    std::size_t best = static_cast<std::size_t>(above - prefix.begin());
    if (best > prev) {
      // Earliest boundary with the value just below the ideal (zero-weight windows make plateaus).
      const auto below = std::lower_bound(prefix.begin() + static_cast<std::ptrdiff_t>(prev),
                                          prefix.begin() + static_cast<std::ptrdiff_t>(best), prefix[best - 1]);
      const auto candidate = static_cast<std::size_t>(below - prefix.begin());
      if (distance(candidate, r) <= distance(best, r)) best = candidate;
    }
    bounds.push_back(best);
  }
  bounds.push_back(plan.windows.size());
  std::vector<RankSlice> slices;
  for (int r = 0; r < nranks; ++r)
    slices.push_back(slice_between(plan, static_cast<std::int64_t>(bounds[static_cast<std::size_t>(r)]),
                                   static_cast<std::int64_t>(bounds[static_cast<std::size_t>(r) + 1])));
  return slices;
}

std::pair<std::int64_t, std::int64_t> even_share(std::int64_t n, int nranks, int rank) {
  if (nranks < 1 || rank < 0 || rank >= nranks || n < 0)
    throw std::invalid_argument("even_share: need n >= 0 and 0 <= rank < nranks");
  const std::int64_t base = n / nranks, extra = n % nranks;
  const std::int64_t begin = rank * base + std::min<std::int64_t>(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

}  // namespace polyrep::extract
