// The content hash of fingerprints (core/hash.hpp): streaming in any pieces gives the one-shot
// value, and any changed byte, length or seed changes it.
#include "polyrep/core/hash.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "polyrep/core/error.hpp"
#include "temp_dir.hpp"

namespace polyrep {
namespace {

std::string sample_text(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) % 251);
  return s;
}

TEST(Hash, StreamingEqualsOneShotForAnySplit) {
  for (std::size_t n : {0u, 1u, 7u, 31u, 32u, 33u, 64u, 100u, 1000u}) {
    const std::string s = sample_text(n);
    const std::uint64_t whole = hash_bytes(s.data(), s.size());
    for (std::size_t cut : {std::size_t{0}, n / 3, n / 2, n}) {
      Hasher h;
      h.update(s.data(), cut);
      h.update(s.data() + cut, n - cut);
      EXPECT_EQ(h.digest(), whole) << "n=" << n << " cut=" << cut;
    }
  }
}

TEST(Hash, EveryChangeChangesIt) {
  std::set<std::uint64_t> seen;
  const std::string base = sample_text(200);
  seen.insert(hash_bytes(base.data(), base.size()));
  for (std::size_t i = 0; i < base.size(); i += 13) {
    std::string s = base;
    s[i] = static_cast<char>(s[i] ^ 1);
    EXPECT_TRUE(seen.insert(hash_bytes(s.data(), s.size())).second) << "flip at " << i;
  }
  EXPECT_TRUE(seen.insert(hash_bytes(base.data(), base.size() - 1)).second);
  EXPECT_TRUE(seen.insert(hash_bytes(base.data(), base.size(), 1)).second);
  const std::string zeros(64, '\0');
  EXPECT_NE(hash_bytes(zeros.data(), 32), hash_bytes(zeros.data(), 64));  // length counts
}

TEST(Hash, FileHashIsTheContentHash) {
  test::TempDir dir("hash");
  const std::string s = sample_text(3 << 20);  // more than one read buffer
  std::ofstream(dir / "f", std::ios::binary) << s;
  EXPECT_EQ(hash_file(dir / "f"), hash_bytes(s.data(), s.size()));
  EXPECT_THROW(hash_file(dir / "missing"), InputError);
  EXPECT_EQ(hex64(0x1234abcdULL), "000000001234abcd");
}

}  // namespace
}  // namespace polyrep
