#include "polyrep/model/cuda_devices.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"

namespace polyrep::model {
namespace {

using Entries = std::vector<std::string>;

TEST(VisibleDevices, UnsetMeansEveryDevice) { EXPECT_FALSE(visible_device_entries(nullptr).has_value()); }

TEST(VisibleDevices, EmptyAndMinusOneHideAll) {
  EXPECT_EQ(visible_device_entries(""), Entries{});
  EXPECT_EQ(visible_device_entries("-1"), Entries{});
  EXPECT_EQ(visible_device_entries("none"), Entries{});
}

TEST(VisibleDevices, ListStopsAtTheFirstRejectedEntry) {
  EXPECT_EQ(visible_device_entries("0,1"), (Entries{"0", "1"}));
  EXPECT_EQ(visible_device_entries("2, 3"), (Entries{"2", "3"}));
  EXPECT_EQ(visible_device_entries("0,-1,1"), Entries{"0"});
  EXPECT_EQ(visible_device_entries("1,,2"), Entries{"1"});
  EXPECT_EQ(visible_device_entries("GPU-5a1c2e3f,MIG-9b8c"), (Entries{"GPU-5a1c2e3f", "MIG-9b8c"}));
  EXPECT_EQ(visible_device_entries("GPU-"), Entries{});
}

TEST(DeviceForLocalRank, RanksTakeTheVisibleDevicesInTurn) {
  // 4 GPUs visible, 6 ranks on the node: 0 1 2 3 0 1.
  const int expected[] = {0, 1, 2, 3, 0, 1};
  for (int r = 0; r < 6; ++r) EXPECT_EQ(device_for_local_rank(r, 4), expected[r]) << r;
  // A launcher that narrowed CUDA_VISIBLE_DEVICES per rank: every rank sees one, ordinal 0.
  for (int r = 0; r < 8; ++r) EXPECT_EQ(device_for_local_rank(r, 1), 0);
}

TEST(DeviceForLocalRank, NoDeviceOrNegativeRankIsAnInputError) {
  EXPECT_THROW(device_for_local_rank(0, 0), InputError);
  EXPECT_THROW(device_for_local_rank(-1, 2), InputError);
}

TEST(SharingNote, OnlyWhenRanksOutnumberDevices) {
  EXPECT_EQ(sharing_note(4, 4), "");
  EXPECT_EQ(sharing_note(1, 8), "");
  EXPECT_EQ(sharing_note(3, 0), "");
  const std::string note = sharing_note(8, 2);
  EXPECT_EQ(note.rfind("8 ranks on this node share 2 visible GPUs", 0), 0u) << note;
}

TEST(NoDeviceReason, NamesTheCause) {
  EXPECT_EQ(no_device_reason(false, nullptr), "this polyrep was built with a CPU-only libtorch");
  EXPECT_EQ(no_device_reason(true, ""), "CUDA_VISIBLE_DEVICES='' hides every GPU");
  EXPECT_EQ(no_device_reason(true, "-1"), "CUDA_VISIBLE_DEVICES='-1' hides every GPU");
  EXPECT_EQ(no_device_reason(true, "0"), "no GPU is visible to this libtorch: no device, or no usable driver");
  EXPECT_EQ(no_device_reason(true, nullptr), no_device_reason(true, "0"));
}

}  // namespace
}  // namespace polyrep::model
