// RFC 4648 section 10 test vectors, and the byte order of typed arrays (little-endian, as the
// browser's typed arrays read them on every platform polyrep runs on).
#include <gtest/gtest.h>

#include <cstdint>

#include "polyrep/plot/base64.hpp"

namespace polyrep::plot {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, out] : vectors) EXPECT_EQ(base64_encode(in, std::char_traits<char>::length(in)), out) << in;
}

TEST(Base64, TypedArraysAreLittleEndianBytes) {
  EXPECT_EQ(base64_of(std::vector<std::uint16_t>{0x0201, 0xfffe}), "AQL+/w==");
}

}  // namespace
}  // namespace polyrep::plot
