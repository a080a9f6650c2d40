// The 16-bit forwards (--precision float16 / bfloat16) against the float32 forward of the same
// model on the fixtures' sentences: every real token's state at every layer points the same way
// (cosine >= 0.999, the bound). On POLYREP_TEST_DEVICE's device; a precision the build
// cannot run there (libtorch 1.13 has no float16 matrix product on a CPU) is skipped with the
// reason check_precision_supported gives.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <tuple>

#include "polyrep/core/error.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep_test/test_paths.hpp"
#include "reference_file.hpp"
#include "test_device.hpp"

namespace polyrep::model {
namespace {

constexpr double kMinCosine = 0.999;

at::Tensor reference_tensor(const test::ReferenceFile& ref, const char* name) {
  const auto a = ref.int64(name);
  std::vector<std::int64_t> shape(a.shape.begin(), a.shape.end());
  return at::from_blob(const_cast<std::int64_t*>(a.data.data()), shape, at::kLong).clone();
}

class Precision16 : public ::testing::TestWithParam<std::tuple<const char*, Precision>> {};

TEST_P(Precision16, EveryTokenStateWithinCosineOfFloat32) {
  const auto [name, precision] = GetParam();
  const std::string dir = std::string(test::kDataDir) + "/models/" + name;
  try {
    check_precision_supported(precision, test::test_device_resolved());
  } catch (const UsageError& e) {
    GTEST_SKIP() << e.what();
  }
  const test::ReferenceFile ref(dir + "/reference.h5");
  const at::Tensor ids = reference_tensor(ref, "batch/input_ids");
  const at::Tensor mask = reference_tensor(ref, "batch/attention_mask");
  const auto full = load_encoder(dir, {test::test_device()})->forward(ids, mask);
  const auto half_encoder = load_encoder(dir, {test::test_device(), 0, precision});
  const auto half = half_encoder->forward(ids, mask);
  ASSERT_EQ(half.size(), full.size());
  const at::Tensor real = mask.reshape({-1}).ne(0);
  double worst = 1.0;
  for (std::size_t l = 0; l < full.size(); ++l) {
    EXPECT_EQ(half[l].scalar_type(), half_encoder->compute_type());
    const at::Tensor a = full[l].cpu().to(at::kDouble).reshape({-1, full[l].size(-1)}).index({real});
    const at::Tensor b = half[l].cpu().to(at::kDouble).reshape({-1, half[l].size(-1)}).index({real});
    const at::Tensor cosine = (a * b).sum(1) / (a.norm(2, 1) * b.norm(2, 1));
    const double lowest = cosine.min().item<double>();
    EXPECT_GE(lowest, kMinCosine) << "layer " << l;
    worst = std::min(worst, lowest);
  }
  std::cout << "[precision] " << name << " " << to_string(precision) << " on "
            << to_string(test::test_device_resolved()) << ": lowest cosine to float32 " << worst << "\n";
  RecordProperty("lowest_cosine", std::to_string(worst));
}

INSTANTIATE_TEST_SUITE_P(TinyModels, Precision16,
                         ::testing::Combine(::testing::Values("tiny-bert", "tiny-xlmr", "tiny-xglm"),
                                            ::testing::Values(Precision::bfloat16, Precision::float16)),
                         [](const auto& info) {
                           std::string name = std::string(std::get<0>(info.param)) + "_" +
                                              to_string(std::get<1>(info.param));
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace polyrep::model
