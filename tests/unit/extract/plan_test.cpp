#include "polyrep/extract/plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <tuple>

#include "polyrep/core/error.hpp"

namespace polyrep::extract {

// Outside the anonymous namespace so that argument-dependent lookup finds them inside std::vector.
bool operator==(const Batch& a, const Batch& b) { return a.sentences == b.sentences && a.max_len == b.max_len; }
bool operator==(const Window& a, const Window& b) {
  return std::tie(a.first_sentence, a.end_sentence, a.first_token, a.end_token, a.batches) ==
         std::tie(b.first_sentence, b.end_sentence, b.first_token, b.end_token, b.batches);
}
bool operator==(const PlanOptions& a, const PlanOptions& b) {
  return std::tie(a.batch_tokens, a.window_sentences, a.window_tokens) ==
         std::tie(b.batch_tokens, b.window_sentences, b.window_tokens);
}
bool operator==(const RankSlice& a, const RankSlice& b) {
  return std::tie(a.first_window, a.end_window, a.first_sentence, a.end_sentence, a.first_token, a.end_token) ==
         std::tie(b.first_window, b.end_window, b.first_sentence, b.end_sentence, b.first_token, b.end_token);
}

namespace {

using ::testing::HasSubstr;
using Ids = std::vector<std::int64_t>;

// Worked by hand: counts 5 3 8 2 7 1, batch 10, window 3 sentences / 12 tokens.
// Windows: {5,3} (adding 8 -> 16 > 12), {8,2} (adding 7 -> 17), {7,1}.
// Batches: {0,1} (2*5 = 10 fits); {2} and {3} (2*8 = 16 > 10); {4} and {5} (2*7 = 14 > 10).
TEST(Plan, HandWorkedExample) {
  const Plan plan = make_plan({5, 3, 8, 2, 7, 1}, PlanOptions{10, 3, 12});
  EXPECT_EQ(plan.token_offset, (Ids{0, 5, 8, 16, 18, 25, 26}));
  EXPECT_EQ(plan.total_tokens(), 26);
  EXPECT_EQ(plan.sentence_count(), 6);
  ASSERT_EQ(plan.windows.size(), 3U);
  EXPECT_EQ(plan.windows[0], (Window{0, 2, 0, 8, {Batch{{0, 1}, 5}}}));
  EXPECT_EQ(plan.windows[1], (Window{2, 4, 8, 18, {Batch{{2}, 8}, Batch{{3}, 2}}}));
  EXPECT_EQ(plan.windows[2], (Window{4, 6, 18, 26, {Batch{{4}, 7}, Batch{{5}, 1}}}));
}

TEST(Plan, LengthBucketingWithTies) {
  const Plan plan = make_plan({2, 4, 3, 4, 4, 1}, PlanOptions{8, 64, 4096});
  ASSERT_EQ(plan.windows.size(), 1U);
  // Sorted: 1(4) 3(4) 4(4) 2(3) 0(2) 5(1): {1,3} (3*4 > 8), {4} + 2? 2*4 = 8 fits, {4,2}; {0,5}: 2*2 fits.
  EXPECT_EQ(plan.windows[0].batches, (std::vector<Batch>{Batch{{1, 3}, 4}, Batch{{4, 2}, 4}, Batch{{0, 5}, 2}}));
}

TEST(Plan, OverlongSentenceFormsItsOwnWindowAndBatch) {
  const Plan plan = make_plan({3, 100, 3}, PlanOptions{10, 64, 50});
  ASSERT_EQ(plan.windows.size(), 3U);
  EXPECT_EQ(plan.windows[1], (Window{1, 2, 3, 103, {Batch{{1}, 100}}}));
}

TEST(Plan, ZeroSentences) {
  const Plan plan = make_plan({}, PlanOptions{8, 64, 4096});
  EXPECT_EQ(plan.token_offset, Ids{0});
  EXPECT_TRUE(plan.windows.empty());
  EXPECT_EQ(plan.total_tokens(), 0);
  const auto slices = partition(plan, 3);
  ASSERT_EQ(slices.size(), 3U);
  for (const auto& slice : slices) EXPECT_EQ(slice, RankSlice{});
}

TEST(Plan, OptionsAreValidated) {
  const auto message = [](const PlanOptions& options) -> std::string {
    try {
      make_plan({1, 2}, options);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "no UsageError";
  };
  EXPECT_THAT(message(PlanOptions{0, 64, 4096}), HasSubstr("--batch-tokens"));
  EXPECT_THAT(message(PlanOptions{8, -1, 4096}), HasSubstr("--window-sentences"));
  EXPECT_THAT(message(PlanOptions{8, 64, 0}), HasSubstr("--window-tokens"));
  EXPECT_THROW(make_plan({1, -1}, PlanOptions{8, 64, 4096}), std::invalid_argument);
}

TEST(Plan, AutomaticSizesFollowTheJobAndDeviceNotTheRanks) {
  constexpr auto unlimited = std::numeric_limits<std::int64_t>::max();
  // CPU: total/32 kept within [384, 1024]; each sentence attended alone.
  EXPECT_EQ(resolve_plan_options({}, false, 10000), (PlanOptions{1, unlimited, 384}));   // 312 -> 384
  EXPECT_EQ(resolve_plan_options({}, false, 25000).window_tokens, 781);                      // 25000/32
  EXPECT_EQ(resolve_plan_options({}, false, 100000).window_tokens, 1024);                    // 3125 -> 1024
  // GPU: within [2048, 16384], groups of 8192.
  EXPECT_EQ(resolve_plan_options({}, true, 100000), (PlanOptions{8192, unlimited, 3125}));
  EXPECT_EQ(resolve_plan_options({}, true, 10000), (PlanOptions{8192, unlimited, 2048}));
  EXPECT_EQ(resolve_plan_options({}, true, 10500000).window_tokens, 16384);
  // What the user gave is kept; negative values name their flag.
  EXPECT_EQ(resolve_plan_options({7, 3, 99}, false, 1), (PlanOptions{7, 3, 99}));
  EXPECT_EQ(resolve_plan_options({0, 5, 0}, false, 32 * 600), (PlanOptions{1, 5, 600}));
  try {
    resolve_plan_options({0, 0, -2}, false, 1);
    ADD_FAILURE() << "negative --window-tokens accepted";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--window-tokens"));
  }
}

std::int64_t sum_range(const std::vector<std::int32_t>& counts, std::int64_t first, std::int64_t end) {
  std::int64_t sum = 0;
  for (std::int64_t s = first; s < end; ++s) sum += counts[static_cast<std::size_t>(s)];
  return sum;
}

// Independent checks of every property make_plan promises, for one input.
void check_plan(const std::vector<std::int32_t>& counts, const PlanOptions& o, const Plan& plan) {
  const auto n = static_cast<std::int64_t>(counts.size());
  const auto count = [&](std::int64_t s) { return static_cast<std::int64_t>(counts[static_cast<std::size_t>(s)]); };
  ASSERT_EQ(plan.token_offset.size(), counts.size() + 1);
  std::int64_t sum = 0;
  for (std::int64_t s = 0; s <= n; ++s) {
    EXPECT_EQ(plan.token_offset[static_cast<std::size_t>(s)], sum);
    if (s < n) sum += count(s);
  }
  std::vector<int> seen(counts.size(), 0);
  std::int64_t expected_first = 0;
  for (std::size_t w = 0; w < plan.windows.size(); ++w) {
    const Window& window = plan.windows[w];
    const std::int64_t size = window.end_sentence - window.first_sentence;
    const std::int64_t tokens = sum_range(counts, window.first_sentence, window.end_sentence);
    EXPECT_EQ(window.first_sentence, expected_first);
    EXPECT_GE(size, 1);
    EXPECT_LE(size, o.window_sentences);
    EXPECT_TRUE(tokens <= o.window_tokens || size == 1);
    EXPECT_EQ(window.end_token - window.first_token, tokens);
    EXPECT_EQ(window.first_token, plan.token_offset[static_cast<std::size_t>(window.first_sentence)]);
    if (window.end_sentence < n)  // greedy: the next sentence did not fit
      EXPECT_TRUE(size == o.window_sentences || tokens + count(window.end_sentence) > o.window_tokens);
    Ids order;
    for (const Batch& batch : window.batches) {
      ASSERT_FALSE(batch.sentences.empty());
      EXPECT_EQ(batch.max_len, count(batch.sentences.front()));
      const auto batch_size = static_cast<std::int64_t>(batch.sentences.size());
      EXPECT_TRUE(batch_size * batch.max_len <= o.batch_tokens || batch_size == 1);
      for (const auto s : batch.sentences) {
        ASSERT_GE(s, window.first_sentence);
        ASSERT_LT(s, window.end_sentence);
        ++seen[static_cast<std::size_t>(s)];
        EXPECT_LE(count(s), batch.max_len);
        order.push_back(s);
      }
    }
    Ids sorted(order);
    std::sort(sorted.begin(), sorted.end(), [&](std::int64_t a, std::int64_t b) {
      return count(a) != count(b) ? count(a) > count(b) : a < b;
    });
    EXPECT_EQ(order, sorted) << "batches in a window follow (length desc, index asc)";
    expected_first = window.end_sentence;
  }
  EXPECT_EQ(expected_first, n);
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int k) { return k == 1; })) << "each sentence once";
}

std::vector<std::int32_t> random_counts(std::mt19937_64& rng, std::size_t n, int max_count) {
  std::vector<std::int32_t> counts(n);
  for (auto& c : counts) c = static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(max_count)) + 1;
  return counts;
}

TEST(Plan, RandomInputsKeepEveryPromise) {
  std::mt19937_64 rng(5);  // only the inputs are random; the checks are exact
  for (int trial = 0; trial < 300; ++trial) {
    const auto counts = random_counts(rng, rng() % 400, 1 + static_cast<int>(rng() % 300));
    const PlanOptions options{static_cast<std::int64_t>(1 + rng() % 2000), static_cast<std::int64_t>(1 + rng() % 80),
                              static_cast<std::int64_t>(1 + rng() % 3000)};
    const Plan plan = make_plan(counts, options);
    check_plan(counts, options, plan);
    const Plan again = make_plan(counts, options);
    EXPECT_EQ(plan.token_offset, again.token_offset);
    EXPECT_EQ(plan.windows, again.windows);
    if (HasFailure()) return;
  }
}

TEST(Partition, HandWorkedExample) {
  const Plan plan = make_plan({5, 3, 8, 2, 7, 1}, PlanOptions{10, 3, 12});  // windows of 8, 10, 8 tokens
  // 2 ranks: ideal 13, boundaries at 8 and 18 are equally close -> the earlier one.
  EXPECT_EQ(partition(plan, 2), (std::vector<RankSlice>{{0, 1, 0, 2, 0, 8}, {1, 3, 2, 6, 8, 26}}));
  // 3 ranks: ideals 8.67 and 17.33 -> boundaries 8 and 18.
  EXPECT_EQ(partition(plan, 3),
            (std::vector<RankSlice>{{0, 1, 0, 2, 0, 8}, {1, 2, 2, 4, 8, 18}, {2, 3, 4, 6, 18, 26}}));
  EXPECT_EQ(partition(plan, 1), (std::vector<RankSlice>{{0, 3, 0, 6, 0, 26}}));
}

TEST(Partition, MoreRanksThanWindows) {
  const Plan plan = make_plan({5, 3, 8, 2, 7, 1}, PlanOptions{10, 3, 12});
  const auto slices = partition(plan, 8);
  ASSERT_EQ(slices.size(), 8U);
  int non_empty = 0;
  for (const auto& slice : slices) non_empty += slice.empty() ? 0 : 1;
  EXPECT_EQ(non_empty, 3);
  EXPECT_EQ(slices.front().first_token, 0);
  EXPECT_EQ(slices.back().end_token, 26);
  EXPECT_THROW(partition(plan, 0), std::invalid_argument);
}

TEST(Partition, RandomPlansAreContiguousCoveringAndBalanced) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    const auto counts = random_counts(rng, 1 + rng() % 500, 1 + static_cast<int>(rng() % 200));
    const Plan plan = make_plan(counts, PlanOptions{512, static_cast<std::int64_t>(1 + rng() % 32), 1024});
    std::int64_t max_window = 0;
    for (const auto& w : plan.windows) max_window = std::max(max_window, w.end_token - w.first_token);
    const int nranks = 1 + static_cast<int>(rng() % 12);
    const auto slices = partition(plan, nranks);
    ASSERT_EQ(slices.size(), static_cast<std::size_t>(nranks));
    const double ideal = static_cast<double>(plan.total_tokens()) / nranks;
    std::int64_t window = 0;
    for (const auto& slice : slices) {
      EXPECT_EQ(slice.first_window, window);
      EXPECT_LE(slice.first_window, slice.end_window);
      const auto at = [&](std::int64_t w, bool sentence) {
        if (w == static_cast<std::int64_t>(plan.windows.size()))
          return sentence ? plan.sentence_count() : plan.total_tokens();
        const auto& win = plan.windows[static_cast<std::size_t>(w)];
        return sentence ? win.first_sentence : win.first_token;
      };
      EXPECT_EQ(slice.first_sentence, at(slice.first_window, true));
      EXPECT_EQ(slice.end_sentence, at(slice.end_window, true));
      EXPECT_EQ(slice.first_token, at(slice.first_window, false));
      EXPECT_EQ(slice.end_token, at(slice.end_window, false));
      EXPECT_LE(std::abs(static_cast<double>(slice.end_token - slice.first_token) - ideal),
                static_cast<double>(max_window))
          << "trial " << trial << " nranks " << nranks;
      window = slice.end_window;
    }
    EXPECT_EQ(window, static_cast<std::int64_t>(plan.windows.size()));
    if (HasFailure()) return;
  }
}

TEST(EvenShare, SplitsEvenlyFrontLoaded) {
  EXPECT_EQ(even_share(10, 3, 0), (std::pair<std::int64_t, std::int64_t>{0, 4}));
  EXPECT_EQ(even_share(10, 3, 1), (std::pair<std::int64_t, std::int64_t>{4, 7}));
  EXPECT_EQ(even_share(10, 3, 2), (std::pair<std::int64_t, std::int64_t>{7, 10}));
  EXPECT_EQ(even_share(2, 3, 2), (std::pair<std::int64_t, std::int64_t>{2, 2}));
  EXPECT_EQ(even_share(0, 4, 3), (std::pair<std::int64_t, std::int64_t>{0, 0}));
  for (int nranks = 1; nranks < 9; ++nranks) {
    std::int64_t next = 0;
    for (int r = 0; r < nranks; ++r) {
      const auto [begin, end] = even_share(1001, nranks, r);
      EXPECT_EQ(begin, next);
      EXPECT_LE(end - begin, 1001 / nranks + 1);
      EXPECT_GE(end - begin, 1001 / nranks);
      next = end;
    }
    EXPECT_EQ(next, 1001);
  }
  EXPECT_THROW(even_share(5, 0, 0), std::invalid_argument);
  EXPECT_THROW(even_share(5, 2, 2), std::invalid_argument);
}

}  // namespace
}  // namespace polyrep::extract
