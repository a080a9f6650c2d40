#include "polyrep/core/error.hpp"

#include <gtest/gtest.h>

namespace polyrep {
namespace {

TEST(Error, RethrowWithContextKeepsTypeAndPrefixesMessage) {
  try {
    try {
      throw InputError("config.json: missing key 'hidden_size'");
    } catch (...) {
      rethrow_with_context("loading model hyper-parameters");
    }
    FAIL() << "nothing thrown";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "loading model hyper-parameters: config.json: missing key 'hidden_size'");
  }
}

TEST(Error, RethrowWithContextKeepsCollectiveOrigin) {
  try {
    try {
      throw CollectiveError("bad", 2);
    } catch (...) {
      rethrow_with_context("extract");
    }
  } catch (const CollectiveError& e) {
    EXPECT_EQ(e.origin_rank(), 2);
    EXPECT_STREQ(e.what(), "extract: bad");
  }
}

}  // namespace
}  // namespace polyrep
