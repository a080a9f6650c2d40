// The resume record, the journal and the metadata snapshot (extract/checkpoint.hpp).
#include "polyrep/extract/checkpoint.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "polyrep/core/error.hpp"
#include "temp_dir.hpp"

namespace polyrep::extract {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(Checkpoint, PathsSitBesideTheOutput) {
  const ResumePaths p = resume_paths("/x/run.h5");
  EXPECT_EQ(p.partial, "/x/run.h5.partial");
  EXPECT_EQ(p.record, "/x/run.h5.partial.resume");
  EXPECT_EQ(p.journal, "/x/run.h5.partial.done");
}

TEST(Checkpoint, RangesFromWindowIndices) {
  using R = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_EQ(to_ranges({}), R{});
  EXPECT_EQ(to_ranges({7, 3, 4, 5, 9, 4}), (R{{3, 6}, {7, 8}, {9, 10}}));
}

TEST(Checkpoint, JournalKeepsCompleteLinesOnly) {
  test::TempDir dir("journal");
  const auto path = dir / "j";
  EXPECT_EQ(read_done(path, 3), std::vector<bool>(3, false));  // no journal: nothing done
  append_done(path, {{0, 2}});
  append_done(path, {{4, 5}});
  { std::ofstream(path, std::ios::app) << "2 4"; }  // a kill in the middle of an append
  EXPECT_EQ(read_done(path, 6), (std::vector<bool>{true, true, false, false, true, false}));
  { std::ofstream(path, std::ios::app) << "\n9 12\n"; }
  EXPECT_THROW(read_done(path, 6), InputError);  // past the plan: another run's journal
}

TEST(Checkpoint, FirstChangeNamesTheEntry) {
  Fingerprint a, b;
  a.add("file model/config.json", "1");
  a.add("--seed", "0");
  b = a;
  EXPECT_EQ(first_change(a, b), "");
  b.entries[1].second = "3";
  EXPECT_EQ(first_change(a, b), "--seed was '0', is '3'");
  b.entries[0].second = "2";
  EXPECT_EQ(first_change(a, b), "file model/config.json changed");
  Fingerprint c;
  c.add("file model/config.json", "1");
  EXPECT_EQ(first_change(a, c), "--seed is not given");
  EXPECT_NE(fingerprint_hash(a), fingerprint_hash(c));
}

TEST(Checkpoint, RecordRoundTripsAndDetectsDamage) {
  test::TempDir dir("record");
  ResumeRecord r;
  r.fingerprint.add("--langs", "eng_Latn,fra_Latn");
  r.fingerprint.add("odd\tname", "line\nbreak\\");
  r.context.add("threads per rank", "2");
  r.windows = 17;
  r.file_size = 4096;
  r.metadata = {{0, 3}, {100, 2}};
  r.metadata_bytes = std::string("a\nb\0c", 5);
  write_resume_record(dir / "r", r);
  const ResumeRecord back = read_resume_record(dir / "r");
  EXPECT_EQ(back.fingerprint.entries, r.fingerprint.entries);
  EXPECT_EQ(back.context.entries, r.context.entries);
  EXPECT_EQ(back.windows, 17);
  EXPECT_EQ(back.file_size, 4096u);
  ASSERT_EQ(back.metadata.size(), 2u);
  EXPECT_EQ(back.metadata[1].offset, 100u);
  EXPECT_EQ(back.metadata_bytes, r.metadata_bytes);
  EXPECT_FALSE(std::filesystem::exists(dir / "r.tmp"));
  std::string text = read_file(dir / "r");
  text[text.find("windows\t17") + 8] = '8';
  std::ofstream(dir / "r", std::ios::binary) << text;
  EXPECT_THROW(read_resume_record(dir / "r"), InputError);
  std::ofstream(dir / "r", std::ios::binary) << text.substr(0, 40);
  EXPECT_THROW(read_resume_record(dir / "r"), InputError);
}

TEST(Checkpoint, SnapshotTakesWhatIsNotRawDataAndRestoresIt) {
  test::TempDir dir("snapshot");
  const auto path = dir / "f";
  std::string content(64, '.');
  for (int i = 0; i < 64; ++i) content[static_cast<std::size_t>(i)] = static_cast<char>('A' + i % 26);
  std::ofstream(path, std::ios::binary) << content;
  ResumeRecord r;
  // Raw data at [8, 24) and [40, 60): the rest, [0, 8), [24, 40), [60, 64), is metadata.
  snapshot_metadata(path, {{40, 20}, {8, 16}}, r);
  EXPECT_EQ(r.file_size, 64u);
  ASSERT_EQ(r.metadata.size(), 3u);
  EXPECT_EQ(r.metadata[0].offset, 0u);
  EXPECT_EQ(r.metadata[0].bytes, 8u);
  EXPECT_EQ(r.metadata[1].offset, 24u);
  EXPECT_EQ(r.metadata[1].bytes, 16u);
  EXPECT_EQ(r.metadata[2].offset, 60u);
  EXPECT_EQ(r.metadata[2].bytes, 4u);
  EXPECT_EQ(r.metadata_bytes, content.substr(0, 8) + content.substr(24, 16) + content.substr(60, 4));
  // A kill leaves metadata half rewritten, raw data new, and the file grown: restoring gives back
  // the metadata and the size, and keeps the raw data.
  std::string damaged = content;
  damaged.replace(0, 8, "XXXXXXXX");
  damaged.replace(10, 4, "rawr");
  damaged += "appended by the serial step";
  std::ofstream(path, std::ios::binary) << damaged;
  restore_metadata(path, r);
  std::string expected = content;
  expected.replace(10, 4, "rawr");
  EXPECT_EQ(read_file(path), expected);
  std::ofstream(path, std::ios::binary) << content.substr(0, 30);
  EXPECT_THROW(restore_metadata(path, r), InputError);  // shorter than at creation: another file
  EXPECT_THROW(snapshot_metadata(path, {{20, 20}}, r), IoError);  // raw data past the end
}

}  // namespace
}  // namespace polyrep::extract
