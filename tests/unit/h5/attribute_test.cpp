#include "polyrep/h5/attribute.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "temp_dir.hpp"

namespace h5 = polyrep::h5;

namespace {

TEST(Attribute, RoundTripsAllKindsOnRootAndDataset) {
  polyrep::test::TempDir dir;
  {
    h5::File f = h5::File::create(dir / "a.h5", false);
    h5::set_attr(f.id(), "model", std::string("xlm-roberta ▁base"));
    h5::set_attr(f.id(), "dtype", "float16");
    h5::set_attr(f.id(), "num_layers", std::int64_t{12});
    h5::set_attr(f.id(), "seed", 7);  // int goes through the integral template
    h5::set_attr(f.id(), "complete", true);
    h5::set_attr(f.id(), "kl", 1.25);
    h5::set_attr(f.id(), "shape", std::vector<std::int64_t>{13, 100, 768});
    h5::set_attr(f.id(), "ratios", std::vector<double>{0.5, 0.25});
    h5::set_attr(f.id(), "langs", std::vector<std::string>{"eng_Latn", "jpn_Jpan", ""});
    h5::Dataset ds = h5::Dataset::create(f.id(), "/g/x", h5::float32(), {1});
    h5::set_attr(ds.id(), "perplexity", 30.0);
  }
  h5::File f = h5::File::open(dir / "a.h5", false);
  EXPECT_EQ(h5::get_attr_string(f.id(), "model"), "xlm-roberta ▁base");
  EXPECT_EQ(h5::get_attr_string(f.id(), "dtype"), "float16");
  EXPECT_EQ(h5::get_attr_int(f.id(), "num_layers"), 12);
  EXPECT_EQ(h5::get_attr_int(f.id(), "seed"), 7);
  EXPECT_EQ(h5::get_attr_int(f.id(), "complete"), 1);
  EXPECT_EQ(h5::get_attr_double(f.id(), "kl"), 1.25);
  EXPECT_EQ(h5::get_attr_double(f.id(), "num_layers"), 12.0);  // int read as double converts
  EXPECT_EQ(h5::get_attr_int_vector(f.id(), "shape"), (std::vector<std::int64_t>{13, 100, 768}));
  EXPECT_EQ(h5::get_attr_double_vector(f.id(), "ratios"), (std::vector<double>{0.5, 0.25}));
  EXPECT_EQ(h5::get_attr_string_vector(f.id(), "langs"),
            (std::vector<std::string>{"eng_Latn", "jpn_Jpan", ""}));
  h5::Dataset ds = h5::Dataset::open(f.id(), "/g/x");
  EXPECT_EQ(h5::get_attr_double(ds.id(), "perplexity"), 30.0);
  EXPECT_TRUE(h5::has_attr(ds.id(), "perplexity"));
  EXPECT_FALSE(h5::has_attr(f.id(), "perplexity"));
}

TEST(Attribute, ReplacingChangesValueAndType) {
  polyrep::test::TempDir dir;
  h5::File f = h5::File::create(dir / "a.h5", false);
  h5::set_attr(f.id(), "complete", std::int64_t{0});
  h5::set_attr(f.id(), "complete", std::int64_t{1});
  EXPECT_EQ(h5::get_attr_int(f.id(), "complete"), 1);
  h5::set_attr(f.id(), "complete", "yes");
  EXPECT_EQ(h5::get_attr_string(f.id(), "complete"), "yes");
  h5::delete_attr(f.id(), "complete");
  EXPECT_FALSE(h5::has_attr(f.id(), "complete"));
}

TEST(Attribute, MissingOrWrongKindThrowsNamingIt) {
  polyrep::test::TempDir dir;
  h5::File f = h5::File::create(dir / "a.h5", false);
  h5::set_attr(f.id(), "name", "x");
  h5::set_attr(f.id(), "pair", std::vector<std::int64_t>{1, 2});
  try {
    h5::get_attr_int(f.id(), "absent");
    FAIL() << "expected IoError";
  } catch (const polyrep::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("'absent'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(h5::get_attr_int(f.id(), "name"), polyrep::IoError);
  EXPECT_THROW(h5::get_attr_string(f.id(), "pair"), polyrep::IoError);
  EXPECT_THROW(h5::get_attr_int(f.id(), "pair"), polyrep::IoError);  // two values, not one
  h5::set_attr(f.id(), "real", 2.5);
  EXPECT_THROW(h5::get_attr_int(f.id(), "real"), polyrep::IoError);  // no silent truncation
}

}  // namespace
