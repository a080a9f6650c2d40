// The `--resume` check on what lies at --out, on small files made here: a finished file means
// nothing to do, unless a newer polyrep wrote it (refused: this one cannot judge it).
#include "polyrep/extract/resume.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "temp_dir.hpp"

namespace polyrep::extract {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

void make_finished(const fs::path& path, std::int64_t schema) {
  h5::File f = h5::File::create(path, true);
  h5::create_group(f.id(), "/hidden");
  h5::set_attr(f.id(), "complete", std::int64_t{1});
  h5::set_attr(f.id(), "schema_version", schema);
  f.close();
}

TEST(Resume, FinishedFileOfThisSchemaLeavesNothingToDo) {
  TempDir dir;
  make_finished(dir / "out.h5", 1);
  EXPECT_TRUE(resume_finds_complete(dir / "out.h5"));
  dir.write("out.h5.partial", "an unfinished run beside it");
  EXPECT_FALSE(resume_finds_complete(dir / "out.h5"));
}

TEST(Resume, NothingOrNotHdf5IsNotFinished) {
  TempDir dir;
  EXPECT_FALSE(resume_finds_complete(dir / "none.h5"));
  dir.write("text.h5", "not hdf5\n");
  EXPECT_FALSE(resume_finds_complete(dir / "text.h5"));
}

TEST(Resume, NewerSchemaIsRefused) {
  TempDir dir;
  const fs::path out = dir / "out.h5";
  make_finished(out, 3);
  try {
    resume_finds_complete(out);
    FAIL() << "--resume accepted a file of schema 3";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              out.string() + ": written by a newer polyrep (schema 3; this one reads up to 1): upgrade polyrep");
  }
}

}  // namespace
}  // namespace polyrep::extract
