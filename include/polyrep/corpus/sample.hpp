#pragma once
/// Deterministic sampling of sentence indices, identical for every language so that the sample is
/// parallel. The result depends only on (population, count, seed) and is the same on every compiler
/// and platform: the generator is xoshiro256** seeded by splitmix64(seed) (state words = four
/// successive splitmix64 outputs starting from `seed`), bounded draws use rejection (draw x until
/// x >= (2^64 - bound) mod bound, return x mod bound), and the subset is chosen with Robert Floyd's
/// algorithm: for j = population-count .. population-1, t = draw(j+1); take t unless already taken,
/// else take j. Indices are returned sorted ascending.
#include <cstdint>
#include <optional>
#include <vector>

namespace polyrep::corpus {

class Corpus;

struct SampleOptions {
  std::optional<std::int64_t> count;  // nullopt = all lines
  std::uint64_t seed = 0;
};

/// `count` distinct indices from [0, population), sorted ascending (all of them when count is
/// nullopt or equals population). UsageError when count <= 0 or count > population.
std::vector<std::int64_t> sample_indices(std::int64_t population, const SampleOptions& options);

/// sample_indices over corpus.common_line_count(), with the error naming the language with the
/// fewest lines: "--sample 500: the corpus has only 40 sentences per language (eng_Latn)".
std::vector<std::int64_t> sample_corpus(const Corpus& corpus, const SampleOptions& options);

/// The portable generator behind sample_indices, exposed for tests.
class Xoshiro256ss {
 public:
  explicit Xoshiro256ss(std::uint64_t seed);
  std::uint64_t operator()();
  /// Uniform in [0, bound) by rejection; bound > 0.
  std::uint64_t below(std::uint64_t bound);

 private:
  std::uint64_t s_[4];
};

}  // namespace polyrep::corpus
