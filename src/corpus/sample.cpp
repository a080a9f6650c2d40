#include "polyrep/corpus/sample.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "polyrep/core/error.hpp"
#include "polyrep/corpus/corpus.hpp"

namespace polyrep::corpus {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Xoshiro256ss::Xoshiro256ss(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = splitmix64(state);
}

std::uint64_t Xoshiro256ss::operator()() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Xoshiro256ss::below(std::uint64_t bound) {
  // Values below `threshold` would make the low residues more likely: 2^64 mod bound of them.
  const std::uint64_t threshold = (0 - bound) % bound;
  std::uint64_t x = (*this)();
  while (x < threshold) x = (*this)();
  return x % bound;
}

std::vector<std::int64_t> sample_indices(std::int64_t population, const SampleOptions& options) {
  if (population < 0) throw std::invalid_argument("sample_indices: negative population");
  const std::int64_t count = options.count.value_or(population);
  if (options.count && count <= 0)
    throw UsageError("--sample must be a positive number of sentences (got " + std::to_string(count) + ")");
  if (count > population)
    throw UsageError("--sample " + std::to_string(count) + ": the corpus has only " +
                     std::to_string(population) + " sentences per language");
  std::vector<std::int64_t> chosen;
  if (count == population) {
    chosen.resize(static_cast<std::size_t>(population));
    std::iota(chosen.begin(), chosen.end(), std::int64_t{0});
    return chosen;
  }
  // Floyd's algorithm: count draws, each subset equally likely; the hash set only answers
  // membership, so its (unspecified) iteration order never reaches the result.
  Xoshiro256ss rng(options.seed);
  std::unordered_set<std::int64_t> taken;
  taken.reserve(static_cast<std::size_t>(count));
  chosen.reserve(static_cast<std::size_t>(count));
  for (std::int64_t j = population - count; j < population; ++j) {
    const auto t = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(j) + 1));
    const std::int64_t pick = taken.count(t) ? j : t;
    taken.insert(pick);
    chosen.push_back(pick);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

std::vector<std::int64_t> sample_corpus(const Corpus& corpus, const SampleOptions& options) {
  const std::int64_t population = corpus.common_line_count();
  if (options.count && *options.count > population) {
    const std::string& fewest = corpus.languages().at(corpus.fewest_lines_language());
    throw UsageError("--sample " + std::to_string(*options.count) + ": the corpus has only " +
                     std::to_string(population) + " sentences per language (" + fewest + ")");
  }
  return sample_indices(population, options);
}

}  // namespace polyrep::corpus
