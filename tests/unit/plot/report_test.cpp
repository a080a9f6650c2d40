// The report's data: coordinates survive the 16-bit quantisation to within one step of their
// view's extent, typed arrays are the documented base64 of little-endian values, and no text can
// end the data's <script> element early (a sentence containing "</script>" or "<!--"); the script
// is the viewer's modules in name order.
#include <gtest/gtest.h>

#include "base64_decode.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "polyrep/plot/report.hpp"
#include "polyrep/plot/report_assets.hpp"
#include "polyrep_test/test_paths.hpp"

namespace polyrep::plot {
namespace {

using test::typed;
using test::unbase64;

ReportData two_sentences(const std::string& first_text) {
  ReportData d;
  d.title = "t";
  d.languages = {"eng_Latn", "fra_Latn"};
  d.layers = {0, 1};
  d.sentences = {{0, 1}, {5, 5}, {first_text, "Bonjour"}};
  Cloud c;
  c.name = "sentences";
  c.label = "Sentences";
  c.rows = {0, 1};
  c.lang = {0, 1};
  c.text = d.sentences.text;
  c.sentence = {0, 1};
  View pca{"pca", {}};
  for (int l = 0; l < 2; ++l) {
    ViewLayer v;
    v.xy = Layout(2, 2);
    v.xy << -1.5f, 2.0f, 3.25f + float(l), -7.0f;
    v.explained_variance_ratio = {0.5, 0.25};
    pca.layers.push_back(v);
  }
  c.views.push_back(pca);
  d.clouds.push_back(c);
  return d;
}

TEST(Report, CoordinatesSurviveQuantisation) {
  const ReportData d = two_sentences("Hello");
  const auto j = report_payload(d);
  ASSERT_EQ(j["colors"].size(), 2u);
  EXPECT_EQ(typed<std::uint16_t>(j["sentences"]["lang"].get<std::string>()), (std::vector<std::uint16_t>{0, 1}));
  EXPECT_EQ(typed<std::int32_t>(j["sentences"]["source_index"].get<std::string>()), (std::vector<std::int32_t>{5, 5}));
  for (int l = 0; l < 2; ++l) {
    const auto& layer = j["clouds"][0]["views"][0]["layers"][std::size_t(l)];
    const auto b = layer["bounds"].get<std::vector<double>>();
    const auto q = typed<std::uint16_t>(layer["xy"].get<std::string>());
    ASSERT_EQ(q.size(), 4u);
    const auto& xy = d.clouds[0].views[0].layers[std::size_t(l)].xy;
    for (int i = 0; i < 2; ++i) {
      const double x = b[0] + q[std::size_t(2 * i)] / 65535.0 * (b[1] - b[0]);
      const double y = b[2] + q[std::size_t(2 * i + 1)] / 65535.0 * (b[3] - b[2]);
      EXPECT_NEAR(x, xy(i, 0), (b[1] - b[0]) / 65535.0);
      EXPECT_NEAR(y, xy(i, 1), (b[3] - b[2]) / 65535.0);
    }
  }
}

TEST(Report, NoTextEndsTheDataScriptEarly) {
  const std::string page = render_report(two_sentences("a</script><script>alert(1)</script><!--x"));
  const auto start = page.find("id=\"polyrep-data\">");
  ASSERT_NE(start, std::string::npos);
  const auto end = page.find("</script>", start);
  const std::string data = page.substr(start, end - start);
  EXPECT_EQ(data.find('<'), std::string::npos);
  EXPECT_NE(data.find("\\u003c/script>"), std::string::npos);  // the text is still there, escaped
  EXPECT_EQ(page.find("<!--POLYREP:"), std::string::npos);      // every placeholder replaced
}

// The viewer is src/plot/assets/js/*.js joined in name order inside one function scope.
TEST(Report, ScriptIsTheModulesInNameOrder) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(test::kDataDir).parent_path().parent_path() / "src/plot/assets/js";
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".js") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  ASSERT_GE(names.size(), 5u);
  const std::string js(report_js());
  EXPECT_EQ(js.rfind("(function () {\n'use strict';\n", 0), 0u);
  EXPECT_EQ(js.substr(js.size() - 6), "})();\n");
  std::size_t at = 0;
  for (const std::string& name : names) {
    std::ifstream in(dir / name, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto found = js.find("js/" + name + "\n" + text, at);
    ASSERT_NE(found, std::string::npos) << name << " is not in report_js() after the modules before it";
    at = found + text.size();
  }
}

}  // namespace
}  // namespace polyrep::plot
