#pragma once
// A scratch directory per test (unique by test name and process id, removed afterwards) and a
// helper that writes files byte for byte.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.hpp"

namespace polyrep::test {

// Named after the running test so that a failing test's files are easy to find while it runs.
class TempCorpus : public TempDir {
 public:
  TempCorpus() : TempDir("corpus-" + current_test_name()) {}
  const std::filesystem::path& root() const { return path(); }

 private:
  static std::string current_test_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->test_suite_name()) + "-" + info->name();
  }
};

}  // namespace polyrep::test
