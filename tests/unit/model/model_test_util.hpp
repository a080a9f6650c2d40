#pragma once
// Helpers shared by the model unit tests: a scratch directory, small file writers, and access to
// the fixture checkpoints.
#include <ATen/ATen.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>
#include <unistd.h>

#include "polyrep_test/test_paths.hpp"
#include "temp_dir.hpp"

namespace polyrep::model::testing {

using TempDir = polyrep::test::TempDir;

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline std::filesystem::path fixture(const std::string& model) {
  return std::filesystem::path(polyrep::test::kDataDir) / "models" / model;
}

/// An int64 tensor of the given values and shape.
inline at::Tensor longs(std::vector<std::int64_t> values, std::vector<std::int64_t> shape) {
  return at::tensor(at::ArrayRef<std::int64_t>(values)).view(shape);
}

/// A fixed small batch (two right-padded sentences) valid for every fixture vocabulary.
inline std::pair<at::Tensor, at::Tensor> sample_batch(std::int64_t pad_id) {
  at::Tensor ids = longs({2, 17, 345, 1000, 5, 3, 2, 99, 42, 3, pad_id, pad_id}, {2, 6});
  at::Tensor mask = longs({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, {2, 6});
  return {ids, mask};
}

}  // namespace polyrep::model::testing
