#include "polyrep/corpus/sample.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "polyrep/core/error.hpp"
#include "polyrep/corpus/corpus.hpp"
#include "temp_corpus.hpp"

namespace polyrep::corpus {
namespace {

using ::testing::HasSubstr;

std::vector<std::int64_t> sample(std::int64_t population, std::int64_t count, std::uint64_t seed) {
  return sample_indices(population, SampleOptions{count, seed});
}

// Golden values come from an independent Python implementation of the algorithm documented in
// sample.hpp (arbitrary-precision ints masked to 64 bits; splitmix64 seeding, xoshiro256**,
// rejection bound, Floyd). That script was itself checked against the published test vectors:
// splitmix64 from state 0 gives 0xe220a8397b1dcdaf, and xoshiro256** from state {1,2,3,4} gives
// 11520, 0, 1509978240, 1215971899390074240.
TEST(Sample, GeneratorGoldenValues) {
  Xoshiro256ss rng(0);
  EXPECT_EQ(rng(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(rng(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(rng(), 0x1a5f849d4933e6e0ULL);
  Xoshiro256ss bounded(12345);
  std::vector<std::uint64_t> draws;
  for (int i = 0; i < 10; ++i) draws.push_back(bounded.below(10));
  EXPECT_EQ(draws, (std::vector<std::uint64_t>{3, 8, 6, 5, 4, 6, 9, 0, 4, 1}));
}

TEST(Sample, GoldenSamples) {
  EXPECT_EQ(sample(997, 10, 42), (std::vector<std::int64_t>{156, 263, 277, 299, 378, 388, 430, 497, 607, 886}));
  EXPECT_EQ(sample(40, 7, 0), (std::vector<std::int64_t>{4, 11, 12, 22, 24, 31, 32}));
  EXPECT_EQ(sample(1000000, 5, 2024), (std::vector<std::int64_t>{94930, 359343, 463037, 775463, 951960}));
}

TEST(Sample, SortedDistinctInRange) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto v = sample(997, 200, seed);
    ASSERT_EQ(v.size(), 200U);
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end());
    EXPECT_GE(v.front(), 0);
    EXPECT_LT(v.back(), 997);
  }
}

TEST(Sample, DeterministicPerSeedAndDifferentAcrossSeeds) {
  EXPECT_EQ(sample(997, 100, 7), sample(997, 100, 7));
  EXPECT_NE(sample(997, 100, 7), sample(997, 100, 8));
}

TEST(Sample, AllLines) {
  const std::vector<std::int64_t> all{0, 1, 2, 3, 4};
  EXPECT_EQ(sample(5, 5, 3), all);
  EXPECT_EQ(sample_indices(5, SampleOptions{std::nullopt, 3}), all);
  EXPECT_EQ(sample_indices(0, SampleOptions{}), std::vector<std::int64_t>{});
  EXPECT_EQ(sample(1, 1, 0), std::vector<std::int64_t>{0});
}

TEST(Sample, BadCounts) {
  try {
    sample(40, 41, 0);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--sample 41"));
    EXPECT_THAT(e.what(), HasSubstr("only 40"));
  }
  EXPECT_THROW(sample(40, 0, 0), UsageError);
  EXPECT_THROW(sample(40, -3, 0), UsageError);
}

TEST(Sample, CorpusErrorNamesTheShortestLanguage) {
  test::TempCorpus tmp;
  tmp.write("aa.txt", "1\n2\n3\n");
  tmp.write("bb.txt", "1\n2\n");
  const Corpus corpus = Corpus::open({tmp.root(), "dev", {}});
  EXPECT_EQ(sample_corpus(corpus, SampleOptions{2, 0}), (std::vector<std::int64_t>{0, 1}));
  try {
    sample_corpus(corpus, SampleOptions{3, 0});
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--sample 3: the corpus has only 2 sentences per language (bb)");
  }
}

// Floyd's algorithm makes every k-subset equally likely: over 20,000 seeds the 10 two-element
// subsets of {0..4} must look uniform (chi-square, 9 degrees of freedom, 99.9% point 27.9; the
// result is deterministic, so this cannot flake).
TEST(Sample, SubsetsAreUniform) {
  std::map<std::vector<std::int64_t>, int> counts;
  const int draws = 20000;
  for (int seed = 0; seed < draws; ++seed) ++counts[sample(5, 2, static_cast<std::uint64_t>(seed))];
  ASSERT_EQ(counts.size(), 10U);
  const double expected = draws / 10.0;
  double chi2 = 0;
  for (const auto& entry : counts) chi2 += (entry.second - expected) * (entry.second - expected) / expected;
  EXPECT_LT(chi2, 27.9);
}

// Each index of a larger population is chosen about equally often (marginal frequencies).
TEST(Sample, IndicesAreRoughlyUniform) {
  const std::int64_t population = 50, count = 10;
  const int draws = 10000;
  std::vector<int> hits(population);
  for (int seed = 0; seed < draws; ++seed)
    for (const auto i : sample(population, count, static_cast<std::uint64_t>(seed) * 7919 + 1))
      ++hits[static_cast<std::size_t>(i)];
  const double expected = static_cast<double>(draws) * count / population;  // 2000
  double chi2 = 0;
  for (const int h : hits) chi2 += (h - expected) * (h - expected) / expected;
  // 49 degrees of freedom: 99.9% point ~ 85 (indicator counts vary a little less than Poisson).
  EXPECT_LT(chi2, 85.0);
  EXPECT_LT(*std::max_element(hits.begin(), hits.end()), 2200);
  EXPECT_GT(*std::min_element(hits.begin(), hits.end()), 1800);
}

TEST(Sample, BoundedDrawIsUniform) {
  Xoshiro256ss rng(99);
  std::vector<int> hits(3);
  for (int i = 0; i < 30000; ++i) ++hits[static_cast<std::size_t>(rng.below(3))];
  for (const int h : hits) EXPECT_NEAR(h, 10000, 400);
  EXPECT_EQ(rng.below(1), 0U);
}

}  // namespace
}  // namespace polyrep::corpus
