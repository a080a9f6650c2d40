// The 16-bit paths of the shared layers, against values worked out by hand.
#include "polyrep/model/layers.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

namespace polyrep::model {
namespace {

TEST(LayerNorm, SixteenBitInputIsNormalisedInFloat32AndReturnedInItsType) {
  LayerNorm norm;
  norm.weight = at::ones({4}, at::kFloat);
  norm.bias = at::zeros({4}, at::kFloat);
  norm.eps = 0.0;
  // x = 1, 2, 3, 4: mean 2.5, variance 1.25, so (x - 2.5) / sqrt(1.25) = -1.3416, -0.4472, ...
  const at::Tensor x = at::tensor({1.0f, 2.0f, 3.0f, 4.0f}).to(at::kBFloat16).view({1, 4});
  const at::Tensor y = norm(x);
  EXPECT_EQ(y.scalar_type(), at::kBFloat16);
  const double expected[] = {-1.5 / std::sqrt(1.25), -0.5 / std::sqrt(1.25), 0.5 / std::sqrt(1.25), 1.5 / std::sqrt(1.25)};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y[0][i].item<double>(), expected[i], std::abs(expected[i]) / 256) << i;
}

TEST(LayerNorm, Float32InputKeepsTheFloat32Kernel) {
  LayerNorm norm;
  norm.weight = at::full({2}, 2.0f);
  norm.bias = at::full({2}, 1.0f);
  norm.eps = 0.0;
  // x = 0, 2: mean 1, variance 1: -1, 1, scaled by 2 and shifted by 1: -1, 3.
  const at::Tensor y = norm(at::tensor({0.0f, 2.0f}).view({1, 2}));
  EXPECT_EQ(y.scalar_type(), at::kFloat);
  EXPECT_FLOAT_EQ(y[0][0].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(y[0][1].item<float>(), 3.0f);
}

TEST(SoftmaxFloat32, HalfScoresGiveHalfProbabilitiesSummedInFloat32) {
  // exp(0) : exp(ln 3) = 1 : 3.
  const at::Tensor scores = at::tensor({0.0f, static_cast<float>(std::log(3.0))}).to(at::kBFloat16).view({1, 2});
  const at::Tensor p = softmax_float32(scores, at::kBFloat16);
  EXPECT_EQ(p.scalar_type(), at::kBFloat16);
  EXPECT_NEAR(p[0][0].item<double>(), 0.25, 0.25 / 128);
  EXPECT_NEAR(p[0][1].item<double>(), 0.75, 0.75 / 128);
}

TEST(SoftmaxFloat32, Float32IsTheOrdinarySoftmax) {
  const at::Tensor scores = at::tensor({1.0f, 2.0f, 3.0f}).view({1, 3});
  EXPECT_TRUE(softmax_float32(scores, at::kFloat).equal(at::softmax(scores, -1)));
}

TEST(Linear, WeightsTakeTheTargetType) {
  Linear linear;
  linear.weight = at::ones({2, 3}, at::kFloat);
  linear.bias = at::zeros({2}, at::kFloat);
  linear.to(Target{at::Device(at::kCPU), at::kBFloat16});
  EXPECT_EQ(linear.weight.scalar_type(), at::kBFloat16);
  EXPECT_EQ(linear.bias.scalar_type(), at::kBFloat16);
  // 1 + 2 + 3 = 6, exactly representable in bfloat16.
  const at::Tensor y = linear(at::tensor({1.0f, 2.0f, 3.0f}).to(at::kBFloat16).view({1, 3}));
  EXPECT_EQ(y[0][1].item<double>(), 6.0);
}

}  // namespace
}  // namespace polyrep::model
