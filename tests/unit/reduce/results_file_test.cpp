// open_results (plot's and inspect's way to the results) on small files made here: results of a
// newer schema are refused with the one "newer polyrep" line, before stale or incomplete checks.
#include "polyrep/reduce/results_file.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "temp_dir.hpp"

namespace polyrep::reduce {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string error_of(const fs::path& extraction) {
  try {
    open_results(extraction).close();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// x.h5 with run_id "r1", and x.reduce.h5 made for it with the given schema_version (none: < 0).
fs::path make_pair(const TempDir& dir, std::int64_t schema, const std::string& source_run_id = "r1") {
  {
    h5::File f = h5::File::create(dir / "x.h5", true);
    h5::create_group(f.id(), "/hidden");
    h5::set_attr(f.id(), "run_id", std::string("r1"));
    h5::set_attr(f.id(), "complete", std::int64_t{1});
    f.close();
  }
  h5::File r = h5::File::create(dir / "x.reduce.h5", true);
  h5::create_group(r.id(), "/reduce");
  h5::set_attr(r.id(), "source_run_id", source_run_id);
  h5::set_attr(r.id(), "complete", std::int64_t{1});
  if (schema >= 0) h5::set_attr(r.id(), "schema_version", schema);
  r.close();
  return dir / "x.h5";
}

TEST(OpenResults, SchemaOfTheResultsIsChecked) {
  TempDir dir;
  EXPECT_EQ(error_of(make_pair(dir, 1)), "");
  EXPECT_EQ(error_of(make_pair(dir, -1)), "");  // results from before the attribute: schema 1
  EXPECT_EQ(error_of(make_pair(dir, 5, "other")),
            (dir / "x.reduce.h5").string() +
                ": written by a newer polyrep (schema 5; this one reads up to 1): upgrade polyrep");
  EXPECT_NE(error_of(make_pair(dir, 1, "other")).find("stale reduction results"), std::string::npos);
}

}  // namespace
}  // namespace polyrep::reduce
