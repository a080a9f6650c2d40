#pragma once
// Shared by the figure tests: a fixture with a fresh temporary directory per test, file reading,
// and a panel whose points spiral outwards with the languages taking turns.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "polyrep/plot/figure.hpp"

namespace polyrep::plot::test {

namespace fs = std::filesystem;

class FigureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The process id keeps builds that run these tests at the same time apart.
    dir_ = fs::temp_directory_path() /
           ("polyrep_figure_test_" + std::to_string(getpid()) + "_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Groups take turns (0, 1, ..., languages - 1, 0, ...) over `n` points on a spiral, so every
// language is present.
inline ScatterPanel spiral_panel(int n, int languages) {
  ScatterPanel p;
  p.title = "layer 3";
  p.subtitle = "KL 1.23";
  p.xy.resize(n, 2);
  for (int i = 0; i < n; ++i) {
    p.xy(i, 0) = static_cast<float>(i * std::cos(i * 0.3));
    p.xy(i, 1) = static_cast<float>(i * std::sin(i * 0.3));
    p.group.push_back(i % languages);
  }
  return p;
}

}  // namespace polyrep::plot::test
