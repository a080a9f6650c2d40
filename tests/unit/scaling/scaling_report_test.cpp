#include "polyrep/scaling/scaling_report.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "metrics_json.hpp"
#include "polyrep/core/error.hpp"

namespace {

namespace fs = std::filesystem;
using polyrep::scaling::run_scaling_report;
using polyrep::scaling::ScalingReport;
using polyrep::scaling::ScalingReportOptions;
using polyrep::scaling::test::metrics_json;
using polyrep::scaling::test::write_json;
using polyrep::test::TempDir;

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ScalingReport, WritesCsvMarkdownAndChartsFromDirectoryAndFiles) {
  TempDir in("scaling");
  write_json(in, "runs/extract-r1-l4.json", metrics_json("extract", 1, 4, 100));
  write_json(in, "runs/extract-r2-l4.json", metrics_json("extract", 2, 4, 80));
  write_json(in, "runs/reduce-r2-l4.json", metrics_json("reduce", 2, 4, 30));
  // Given after the directory: replaces its (2, 4) extract run.
  const fs::path rerun = write_json(in, "rerun.json", metrics_json("extract", 2, 4, 60));
  TempDir out("scaling");
  const fs::path target = out / "report";
  const ScalingReport report = run_scaling_report({in / "runs", rerun}, target);

  ASSERT_EQ(report.rows.size(), 2u);
  EXPECT_DOUBLE_EQ(report.rows[1].extract.wall_seconds, 60);
  EXPECT_NEAR(report.rows[1].extract.strong_efficiency, 100.0 / 120, 1e-12);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("rerun.json replaces extract-r2-l4.json"), std::string::npos);
  for (const char* name : {"scaling.csv", "scaling.md", "scaling.svg", "scaling.png"}) {
    EXPECT_TRUE(fs::is_regular_file(target / name)) << name;
    EXPECT_FALSE(fs::exists(target / (std::string(name) + ".tmp"))) << name;
  }
  EXPECT_EQ(report.written.size(), 4u);
  const std::string md = slurp(target / "scaling.md");
  EXPECT_EQ(md.rfind(report.markdown, 0), 0u);  // the table first
  EXPECT_NE(md.find("- extract at 2 ranks, 4 languages: rerun.json replaces extract-r2-l4.json"),
            std::string::npos)
      << md;
  EXPECT_NE(report.markdown.find("| 2 | 4 | 4000 | 60.0 |"), std::string::npos) << report.markdown;
  EXPECT_EQ(slurp(target / "scaling.csv").rfind("ranks,languages,", 0), 0u);
}

TEST(ScalingReport, RejectsUnknownFormatsAndNoInputsBeforeWriting) {
  TempDir in("scaling");
  write_json(in, "e.json", metrics_json("extract", 1, 4, 100));
  TempDir out("scaling");
  ScalingReportOptions options;
  options.formats = {"svg", "jpg"};
  EXPECT_THROW(run_scaling_report({in.path()}, out / "r", options), polyrep::UsageError);
  EXPECT_THROW(run_scaling_report({}, out / "r"), polyrep::UsageError);
  EXPECT_FALSE(fs::exists(out / "r"));
  EXPECT_THROW(run_scaling_report({in / "absent.json"}, out / "r"), polyrep::InputError);
  options.formats = {"pdf"};
  const ScalingReport report = run_scaling_report({in / "e.json"}, out / "r", options);
  EXPECT_TRUE(fs::is_regular_file(out / "r" / "scaling.pdf"));
  EXPECT_FALSE(fs::exists(out / "r" / "scaling.svg"));
  EXPECT_EQ(report.rows.size(), 1u);
}

}  // namespace
