#include "polyrep/model/encoder.hpp"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cmath>

#include "model_test_util.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/model/arch/xglm.hpp"
#include "polyrep/model/device.hpp"
#include "polyrep/model/layers.hpp"

namespace polyrep::model {
namespace {

using testing::TempDir;
using testing::fixture;

TEST(Device, ResolvesOptions) {
  EXPECT_EQ(resolve_device(DeviceRequest::cpu), Device::cpu);
  EXPECT_EQ(resolve_device(DeviceRequest::automatic), cuda_available() ? Device::cuda : Device::cpu);
  EXPECT_EQ(device_request_names().at("auto"), DeviceRequest::automatic);
  EXPECT_EQ(device_request_names().count("gpu"), 0u);
  EXPECT_EQ(to_string(Device::cuda), "cuda");
  EXPECT_EQ(to_string(DeviceRequest::automatic), "auto");
  if (cuda_available()) {
    EXPECT_EQ(resolve_device(DeviceRequest::cuda), Device::cuda);
  } else {
    try {
      resolve_device(DeviceRequest::cuda);
      ADD_FAILURE() << "cuda accepted without a device";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("--device cuda"), std::string::npos) << e.what();
    }
  }
}

TEST(Encoder, BadDeviceFailsBeforeLoading) {
  if (cuda_available()) GTEST_SKIP() << "a CUDA device is visible";
  EncoderOptions options;
  options.device = DeviceRequest::cuda;
  EXPECT_THROW(load_encoder("/nonexistent", options), UsageError);  // not InputError: nothing read
}

TEST(Encoder, StagesAddContext) {
  TempDir dir;
  try {
    load_encoder(dir.path());
    ADD_FAILURE() << "loaded an empty directory";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("loading model hyper-parameters: "), std::string::npos)
        << e.what();
  }
}

TEST(Encoder, SetsThreadsWhenAsked) {
  const int before = at::get_num_threads();
  EncoderOptions options;
  options.threads = 2;
  auto encoder = load_encoder(fixture("tiny-bert"), options);
  EXPECT_EQ(at::get_num_threads(), 2);
  at::set_num_threads(before);
  options.threads = -1;
  EXPECT_THROW(load_encoder(fixture("tiny-bert"), options), UsageError);
}

TEST(Encoder, ForwardChecksItsInputs) {
  auto encoder = load_encoder(fixture("tiny-xlmr"));
  EXPECT_EQ(encoder->config().model_type, "xlm-roberta");
  EXPECT_EQ(encoder->device(), Device::cpu);
  auto [ids, mask] = testing::sample_batch(1);
  EXPECT_EQ(encoder->forward(ids, mask).size(), 3u);
  EXPECT_THROW(encoder->forward(ids.to(at::kInt), mask), std::invalid_argument);
  EXPECT_THROW(encoder->forward(ids, mask.narrow(1, 0, 5)), std::invalid_argument);
  EXPECT_THROW(encoder->forward(ids[0], mask[0]), std::invalid_argument);
  at::Tensor bad = ids.clone();
  bad[0][1] = 2002;  // vocabulary has 2002 entries
  EXPECT_THROW(encoder->forward(bad, mask), InputError);
  bad[0][1] = -1;
  EXPECT_THROW(encoder->forward(bad, mask), InputError);
  // 512 usable positions (514 - pad_token_id - 1); one more must be refused, not mis-indexed.
  at::Tensor long_ids = at::full({1, 513}, 5, at::kLong);
  EXPECT_THROW(encoder->forward(long_ids, at::ones({1, 513}, at::kLong)), InputError);
  EXPECT_EQ(encoder->forward(long_ids.narrow(1, 0, 512), at::ones({1, 512}, at::kLong)).size(), 3u);
}

TEST(Encoder, PaddingDoesNotLeakIntoRealTokens) {
  // Whatever sits at padded positions (ids, length of padding), real tokens see the same thing.
  for (const char* model : {"tiny-bert", "tiny-xlmr", "tiny-xglm"}) {
    auto encoder = load_encoder(fixture(model));
    at::Tensor ids = testing::longs({2, 17, 345, 3}, {1, 4});
    auto alone = encoder->forward(ids, at::ones({1, 4}, at::kLong));
    at::Tensor padded = at::cat({ids, testing::longs({7, 8, 9}, {1, 3})}, 1);
    at::Tensor mask = testing::longs({1, 1, 1, 1, 0, 0, 0}, {1, 7});
    auto with_padding = encoder->forward(padded, mask);
    for (std::size_t l = 0; l < alone.size(); ++l)
      EXPECT_TRUE(at::allclose(with_padding[l].narrow(1, 0, 4), alone[l], 0, 1e-5))
          << model << " layer " << l;
  }
}

TEST(Sinusoid, MatchesTheFairseqFormula) {
  const std::int64_t rows = 40, dim = 10, half = 5;
  at::Tensor table = arch::sinusoidal_table(rows, dim, 1);
  ASSERT_EQ(table.sizes(), (at::IntArrayRef{rows, dim}));
  for (std::int64_t p = 0; p < rows; ++p) {
    for (std::int64_t k = 0; k < half; ++k) {
      const double freq = std::exp(-std::log(10000.0) / double(half - 1) * double(k));
      const double sin_expected = p == 1 ? 0.0 : std::sin(double(p) * freq);
      const double cos_expected = p == 1 ? 0.0 : std::cos(double(p) * freq);
      EXPECT_NEAR(table[p][k].item<double>(), sin_expected, 2e-6) << p << "," << k;
      EXPECT_NEAR(table[p][half + k].item<double>(), cos_expected, 2e-6) << p << "," << k;
    }
  }
  // An odd width gets a zero column, as in HF.
  at::Tensor odd = arch::sinusoidal_table(4, 7, -1);
  EXPECT_EQ(odd.size(1), 7);
  EXPECT_EQ(odd.select(1, 6).abs().sum().item<double>(), 0.0);
}

TEST(Activations, MatchTheirDefinitions) {
  const std::vector<double> xs{-3.0, -1.0, -0.25, 0.0, 0.5, 2.0};
  at::Tensor x = at::tensor(std::vector<float>(xs.begin(), xs.end()));
  at::Tensor gelu = apply_activation(Activation::gelu, x);
  at::Tensor gelu_new = apply_activation(Activation::gelu_new, x);
  at::Tensor relu = apply_activation(Activation::relu, x);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double v = xs[i];
    const double exact = 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
    const double tanh_form =
        0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / 3.141592653589793) * (v + 0.044715 * v * v * v)));
    EXPECT_NEAR(gelu[i].item<double>(), exact, 1e-6);
    EXPECT_NEAR(gelu_new[i].item<double>(), tanh_form, 1e-6);
    EXPECT_NEAR(relu[i].item<double>(), v > 0 ? v : 0.0, 0.0);
  }
  EXPECT_THROW(parse_activation("silu"), InputError);
}

}  // namespace
}  // namespace polyrep::model
