#include "polyrep/model/safetensors.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "model_test_util.hpp"
#include "polyrep/core/error.hpp"
#include "safetensors_writer.hpp"

namespace polyrep::model {
namespace {

using test::u64le;
using test::write_bytes;
using testing::TempDir;

/// A file whose header is `header` verbatim followed by `data_bytes` bytes of data.
std::string file_with_header(const std::string& header, std::size_t data_bytes) {
  return u64le(header.size()) + header + std::string(data_bytes, '\0');
}

/// The InputError message opening `bytes` as a safetensors file gives, or "" when it opens.
std::string error_for(const std::string& bytes) {
  TempDir dir;
  write_bytes(dir / "bad.safetensors", bytes);
  try {
    SafetensorsFile file(dir.path() / "bad.safetensors");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void expect_error(const std::string& bytes, const std::string& needle) {
  std::string msg = error_for(bytes);
  EXPECT_NE(msg.find("bad.safetensors"), std::string::npos) << "message: '" << msg << "'";
  EXPECT_NE(msg.find(needle), std::string::npos) << "message: '" << msg << "'";
}

TEST(Safetensors, ReadsAWellFormedFile) {
  TempDir dir;
  float values[6] = {1, 2, 3, 4, 5, 6};
  std::int64_t ids[3] = {0, 1, 2};
  test::write_safetensors(
      dir / "ok.safetensors",
      {{"w", "F32", {2, 3}, std::string(reinterpret_cast<char*>(values), sizeof values)},
       {"position_ids", "I64", {1, 3}, std::string(reinterpret_cast<char*>(ids), sizeof ids)},
       {"empty", "F16", {0, 4}, ""}},
      {{"format", "pt"}});
  SafetensorsFile file(dir.path() / "ok.safetensors");
  EXPECT_EQ(file.names(), (std::vector<std::string>{"empty", "position_ids", "w"}));
  EXPECT_EQ(file.metadata().at("format"), "pt");
  const TensorView* w = file.find("w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->dtype, DType::F32);
  EXPECT_EQ(w->shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(w->nbytes, sizeof values);
  EXPECT_EQ(std::memcmp(w->data, values, sizeof values), 0);
  EXPECT_EQ(file.find("position_ids")->dtype, DType::I64);
  EXPECT_FALSE(is_weight_dtype(DType::I64));
  EXPECT_TRUE(is_weight_dtype(DType::BF16));
  EXPECT_EQ(file.find("empty")->numel(), 0);
  EXPECT_EQ(file.find("missing"), nullptr);
}

TEST(Safetensors, RejectsTruncatedFiles) {
  expect_error("", "too short");
  expect_error(std::string("\x10\x00\x00", 3), "too short");
}

TEST(Safetensors, RejectsHeaderLengthBeyondTheFile) {
  expect_error(u64le(64) + "{}", "runs past the end");
  expect_error(u64le(std::uint64_t(1) << 62) + "{}", "implausible");
}

TEST(Safetensors, RejectsBadHeaderJson) {
  expect_error(file_with_header("{\"w\": {\"dtype\": ", 0), "not valid JSON");
  expect_error(file_with_header("[1,2,3]", 0), "not a JSON object");
  expect_error(file_with_header(R"({"w": 5})", 0), "'w'");
}

TEST(Safetensors, RejectsUnknownDtype) {
  expect_error(file_with_header(R"({"w": {"dtype": "F12", "shape": [1], "data_offsets": [0, 4]}})", 4),
               "unknown dtype 'F12'");
}

TEST(Safetensors, RejectsBadShapes) {
  expect_error(file_with_header(R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4),
               "'w'");
  expect_error(file_with_header(R"({"w": {"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}})", 8),
               "'shape'");
  expect_error(file_with_header(R"({"w": {"dtype": "F32", "data_offsets": [0, 8]}})", 8), "'shape'");
}

TEST(Safetensors, RejectsOffsetsOutsideTheData) {
  expect_error(file_with_header(R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", 12),
               "outside the data region");
  expect_error(file_with_header(R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})", 12),
               "begin 8 > end 4");
  expect_error(file_with_header(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0]}})", 4),
               "'data_offsets'");
}

TEST(Safetensors, RejectsSizeShapeMismatch) {
  expect_error(file_with_header(R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})", 24),
               "need 24");
  expect_error(file_with_header(R"({"w": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 16]}})", 16),
               "tensor 'w'");
}

TEST(Safetensors, RejectsOverlappingTensors) {
  expect_error(file_with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                    "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})", 12),
               "tensor 'b': data_offsets [4, 12] overlap those of tensor 'a' [0, 8]");
  // The same bytes twice, and one tensor inside another's range.
  expect_error(file_with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                    "b": {"dtype": "I32", "shape": [2], "data_offsets": [0, 8]}})", 8),
               "overlap");
  expect_error(file_with_header(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                                    "z": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]},
                                    "m": {"dtype": "F32", "shape": [1], "data_offsets": [16, 20]}})", 20),
               "overlap");
}

TEST(Safetensors, AdjacentAndEmptyTensorsDoNotOverlap) {
  EXPECT_EQ(error_for(file_with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                           "e": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},
                                           "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})", 12)),
            "");
}

TEST(Safetensors, RejectsBadMetadata) {
  expect_error(file_with_header(R"({"__metadata__": [1]})", 0), "__metadata__");
}

TEST(Safetensors, MissingFileIsAnInputError) {
  TempDir dir;
  EXPECT_THROW(SafetensorsFile(dir.path() / "absent.safetensors"), InputError);
}

}  // namespace
}  // namespace polyrep::model
