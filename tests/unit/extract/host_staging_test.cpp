// WindowRunner's use of HostStaging, recorded by a fake: every output array comes from the
// staging, every kept layer is copied once per array, and the last call before the arrays are
// returned is a wait (with pinned memory the copies are asynchronous until then).
#include "polyrep/extract/host_staging.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "polyrep/extract/window_runner.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep_test/test_paths.hpp"

namespace polyrep::extract {
namespace {

class RecordingStaging final : public HostStaging {
 public:
  at::Tensor allocate(at::IntArrayRef shape, at::ScalarType type) override {
    calls.push_back("allocate");
    buffers.push_back(at::empty(shape, type));
    return buffers.back();
  }
  void copy(at::Tensor dst, const at::Tensor& src) override {
    calls.push_back("copy");
    dst.copy_(src);
  }
  void wait() override { calls.push_back("wait"); }
  bool pinned() const override { return false; }

  std::vector<std::string> calls;
  std::vector<at::Tensor> buffers;
};

Window two_sentence_window() {
  Window w;
  w.first_sentence = 0;
  w.end_sentence = 2;
  w.first_token = 0;
  w.end_token = 7;
  w.batches = {Batch{{0, 1}, 4}};
  return w;
}

TEST(HostStaging, CpuStagingIsPageableAndSynchronous) {
  EXPECT_FALSE(make_host_staging(model::Device::cpu)->pinned());
}

TEST(HostStaging, RunnerStagesEveryArrayAndWaitsLast) {
  const auto encoder = model::load_encoder(std::string(test::kDataDir) + "/models/tiny-bert");
  const std::vector<std::vector<std::int32_t>> ids{{2, 17, 345, 3}, {2, 99, 3}};
  auto staging = std::make_shared<RecordingStaging>();
  const WindowRunnerOptions options{{0, 2}, {Pooling::mean, Pooling::first}, /*float16=*/true};
  const WindowOutput out = WindowRunner(*encoder, options, staging).run(two_sentence_window(), ids);

  // wait (forward done), 3 allocations (tokens + 2 poolings), 2 layers x 3 copies, wait.
  std::vector<std::string> expected{"wait", "allocate", "allocate", "allocate"};
  for (int i = 0; i < 6; ++i) expected.push_back("copy");
  expected.push_back("wait");
  EXPECT_EQ(staging->calls, expected);
  ASSERT_EQ(staging->buffers.size(), 3u);
  EXPECT_EQ(out.tokens.data_ptr(), staging->buffers[0].data_ptr());
  EXPECT_EQ(out.pooled.at(1).data_ptr(), staging->buffers[2].data_ptr());
  EXPECT_EQ(out.tokens.scalar_type(), at::kHalf);
  EXPECT_EQ(out.tokens.sizes(), (at::IntArrayRef{2, 7, 64}));

  // The same arrays as the default staging gives.
  const WindowOutput plain = WindowRunner(*encoder, options).run(two_sentence_window(), ids);
  EXPECT_TRUE(out.tokens.equal(plain.tokens));
  EXPECT_TRUE(out.pooled[0].equal(plain.pooled[0]));
}

}  // namespace
}  // namespace polyrep::extract
