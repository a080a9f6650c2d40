#include "polyrep/model/precision.hpp"

#include <gtest/gtest.h>
#include <torch/version.h>

#include "polyrep/core/error.hpp"

namespace polyrep::model {
namespace {

TEST(Precision, NamesRoundTrip) {
  ASSERT_EQ(precision_names().size(), 3u);
  for (const auto& [name, value] : precision_names()) EXPECT_EQ(to_string(value), name);
  EXPECT_EQ(precision_names().at("bfloat16"), Precision::bfloat16);
}

TEST(Precision, ElementBytes) {
  EXPECT_EQ(element_bytes(Precision::float32), 4);
  EXPECT_EQ(element_bytes(Precision::float16), 2);
  EXPECT_EQ(element_bytes(Precision::bfloat16), 2);
}

TEST(Precision, Float32AndBfloat16RunOnEveryCpuBuild) {
  EXPECT_NO_THROW(check_precision_supported(Precision::float32, Device::cpu));
  EXPECT_NO_THROW(check_precision_supported(Precision::bfloat16, Device::cpu));
}

TEST(Precision, Float16OnTheCpuDependsOnTheLibtorchVersion) {
  // libtorch 1.13's CPU kernels have no float16 matrix product ("addmm_impl_cpu_" not implemented
  // for 'Half'); 2.x has them. The refusal names the flag and the version.
#if TORCH_VERSION_MAJOR < 2
  try {
    check_precision_supported(Precision::float16, Device::cpu);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--precision float16"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(TORCH_VERSION), std::string::npos) << e.what();
  }
#else
  EXPECT_NO_THROW(check_precision_supported(Precision::float16, Device::cpu));
#endif
}

}  // namespace
}  // namespace polyrep::model
