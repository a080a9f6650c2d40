// Attention maps in `polyrep plot`: which maps a report keeps (whole translation groups spread
// evenly over the source indices, under --max-attention-maps), that they are read from a small
// hand-made extraction file as written there (float32 and float16), that the report payload's
// "attention" object decodes to those maps, and that --attention-figures writes one file per
// group, layer and format.
#include <cairo.h>
#include <gtest/gtest.h>

#include "base64_decode.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/plot/attention_data.hpp"
#include "polyrep/plot/attention_figures.hpp"
#include "polyrep/plot/report.hpp"
#include "polyrep/schema/extraction.hpp"
#include "temp_dir.hpp"

namespace polyrep::plot {
namespace {

namespace fs = std::filesystem;
using Positions = std::vector<std::size_t>;

using test::typed;
using test::unbase64;

// Three languages of four sentences, source indices 10..13 in each: maps are language-major.
const std::vector<std::int64_t> kSources{10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13};

TEST(ChooseAttentionMaps, AllWhenTheyFit) {
  EXPECT_EQ(choose_attention_maps(kSources, 12).size(), 12u);
  EXPECT_EQ(choose_attention_maps(kSources, 200).size(), 12u);
  EXPECT_TRUE(choose_attention_maps(kSources, 0).empty());
  EXPECT_TRUE(choose_attention_maps({}, 5).empty());
}

TEST(ChooseAttentionMaps, WholeGroupsSpreadEvenly) {
  // 8 maps allow two groups of three: sources 10 and 12 (every other group), all languages.
  EXPECT_EQ(choose_attention_maps(kSources, 8), (Positions{0, 2, 4, 6, 8, 10}));
  // 3 maps: one group, the first.
  EXPECT_EQ(choose_attention_maps(kSources, 3), (Positions{0, 4, 8}));
  // 11 maps: three of the four groups.
  EXPECT_EQ(choose_attention_maps(kSources, 11), (Positions{0, 1, 2, 4, 5, 6, 8, 9, 10}));
}

TEST(ChooseAttentionMaps, UnequalGroupsStayWhole) {
  // Source 7 has three maps, sources 8 and 9 one each.
  const std::vector<std::int64_t> sources{7, 8, 9, 7, 7};
  const Positions kept = choose_attention_maps(sources, 2);
  EXPECT_EQ(kept, (Positions{1, 2}));  // 7 (three maps) cannot come whole; 8 and 9 can
}

TEST(ChooseAttentionMaps, AGroupLargerThanTheCapIsCut) {
  EXPECT_EQ(choose_attention_maps(kSources, 2), (Positions{0, 4}));  // source 10 in two languages
}

// A hand-made extraction: the tables read_attention needs, with sentences of 2, 3, 1 and 2 tokens
// (two languages, source indices 5, 6 | 5, 6), maps for all of them at two layers.
struct SmallFile {
  test::TempDir dir{"plot-attention"};
  fs::path path = dir / "x.h5";
  std::vector<std::vector<std::string>> tokens{{"[CLS]", "hi"}, {"[CLS]", "good", "day"}, {"[CLS]"}, {"[CLS]", "tag"}};
  std::vector<std::vector<float>> maps;  // per sentence: layers x T x T

  explicit SmallFile(bool half) {
    h5::File f = h5::File::create(path, true);
    const hid_t r = f.id();
    h5::write_vector(r, schema::sentences::source_index, h5::int64(), std::vector<std::int64_t>{5, 6, 5, 6});
    std::vector<std::int64_t> token_offset{0}, offset{0}, rows;
    std::vector<std::string> texts;
    for (const auto& t : tokens) {
      token_offset.push_back(token_offset.back() + std::int64_t(t.size()));
      offset.push_back(offset.back() + std::int64_t(t.size() * t.size()));
      texts.insert(texts.end(), t.begin(), t.end());
      rows.push_back(std::int64_t(rows.size()));
    }
    h5::write_vector(r, schema::sentences::token_offset, h5::int64(), token_offset);
    h5::write_string_dataset(r, schema::tokens::text, texts);
    h5::write_vector(r, schema::attention::sentence, h5::int64(), rows);
    h5::write_vector(r, schema::attention::offset, h5::int64(), offset);
    const auto total = hsize_t(offset.back());
    std::vector<float> mean(2 * total);
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      const std::size_t cells = tokens[k].size() * tokens[k].size();
      maps.emplace_back(2 * cells);
      for (std::size_t l = 0; l < 2; ++l) {
        for (std::size_t c = 0; c < cells; ++c) {
          const float w = float(0.125 * double(l + 1) + 0.03125 * double(k) + 0.0078125 * double(c));  // exact in float16
          maps[k][l * cells + c] = w;
          mean[l * total + std::size_t(offset[k]) + c] = w;
        }
      }
    }
    h5::Dataset ds = h5::Dataset::create(r, schema::attention::mean, half ? h5::float16() : h5::float32(), {2, total});
    ds.write(mean.data(), h5::native<float>(), {0, 0}, {2, total}, false);
  }
};

TEST(ReadAttention, MapsAndTokensAsWritten) {
  for (const bool half : {false, true}) {
    const SmallFile file(half);
    const h5::File f = h5::File::open(file.path, false);
    const AttentionData a = read_attention(f.id(), 200);
    ASSERT_TRUE(a.present());
    EXPECT_EQ(a.layers, (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(a.dtype, half ? "float16" : "float32");
    EXPECT_EQ(a.file_maps, 4);
    EXPECT_EQ(a.file_groups, 2);
    EXPECT_EQ(a.kept_groups, 2);
    EXPECT_TRUE(a.omitted_sources.empty());
    ASSERT_EQ(a.maps.size(), 4u);
    for (std::size_t k = 0; k < 4; ++k) {
      EXPECT_EQ(a.maps[k].row, std::int64_t(k));
      EXPECT_EQ(a.maps[k].tokens, file.tokens[k]);
      EXPECT_EQ(a.maps[k].weights, file.maps[k]) << "map " << k << (half ? " (float16)" : "");
    }
  }
}

TEST(ReadAttention, CapKeepsWholeGroupsAndRecordsTheRest) {
  const SmallFile file(false);
  const h5::File f = h5::File::open(file.path, false);
  const AttentionData a = read_attention(f.id(), 3);  // one group of two fits
  ASSERT_EQ(a.maps.size(), 2u);
  EXPECT_EQ(a.maps[0].row, 0);
  EXPECT_EQ(a.maps[1].row, 2);  // source 5 in both languages
  EXPECT_EQ(a.kept_groups, 1);
  EXPECT_EQ(a.omitted_sources, (std::vector<std::int64_t>{6}));
  EXPECT_EQ(a.max_maps, 3);
  const AttentionData none = read_attention(f.id(), 0);
  EXPECT_TRUE(none.present());  // the file has maps, the report none
  EXPECT_TRUE(none.maps.empty());
  EXPECT_EQ(none.omitted_sources, (std::vector<std::int64_t>{5, 6}));
}

TEST(ReadAttention, NoAttentionGroup) {
  test::TempDir dir("plot-attention");
  {
    h5::File f = h5::File::create(dir / "y.h5", true);
    h5::write_vector(f.id(), schema::sentences::source_index, h5::int64(), std::vector<std::int64_t>{0});
  }
  const h5::File f = h5::File::open(dir / "y.h5", false);
  EXPECT_FALSE(read_attention(f.id(), 200).present());
}

// A report of the small file's maps, sentence table = file rows.
ReportData report_of(const SmallFile& file) {
  ReportData d;
  d.title = "t";
  d.languages = {"eng_Latn", "fra_Latn"};
  d.layers = {0, 1, 2};
  d.sentences = {{0, 0, 1, 1}, {5, 6, 5, 6}, {"a", "b", "c", "d"}};
  const h5::File f = h5::File::open(file.path, false);
  d.attention = read_attention(f.id(), 200);
  for (AttentionMap& m : d.attention.maps) m.sentence = std::int32_t(m.row);
  return d;
}

TEST(AttentionPayload, DecodesToTheMaps) {
  const SmallFile file(false);
  const ReportData d = report_of(file);
  const auto j = report_payload(d);
  ASSERT_TRUE(j.contains("attention"));
  const auto& a = j["attention"];
  EXPECT_EQ(a["count"], 4);
  EXPECT_EQ(a["layers"], (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(typed<std::int32_t>(a["sentence"].get<std::string>()), (std::vector<std::int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(a["tokens"].get<std::vector<std::vector<std::string>>>(), file.tokens);
  EXPECT_EQ(a["file_maps"], 4);
  EXPECT_EQ(a["max_maps"], 200);
  EXPECT_TRUE(typed<std::int32_t>(a["omitted_source_index"].get<std::string>()).empty());
  ASSERT_EQ(a["values"].size(), 2u);
  for (std::size_t l = 0; l < 2; ++l) {
    const auto q = typed<std::uint16_t>(a["values"][l].get<std::string>());
    std::size_t at = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const std::size_t cells = file.tokens[k].size() * file.tokens[k].size();
      for (std::size_t c = 0; c < cells; ++c, ++at) {
        ASSERT_LT(at, q.size());
        EXPECT_NEAR(q[at] / 65535.0, file.maps[k][l * cells + c], 0.5 / 65535 + 1e-9) << "layer " << l << " map " << k;
      }
    }
    EXPECT_EQ(at, q.size());
  }
}

TEST(AttentionPayload, AbsentWithoutMapsInTheFile) {
  ReportData d;
  d.languages = {"x"};
  d.layers = {0};
  EXPECT_FALSE(report_payload(d).contains("attention"));
}

TEST(AttentionFigures, OneFilePerGroupLayerAndFormat) {
  const SmallFile file(false);
  const ReportData d = report_of(file);
  EXPECT_EQ(attention_groups(d), (std::vector<Positions>{{0, 2}, {1, 3}}));
  test::TempDir out("plot-attention-figures");
  AttentionFigureOptions o;
  o.formats = {"svg", "png", "pdf"};
  EXPECT_EQ(write_attention_figures(out.path(), d, o), 2u * 2u * 3u);
  for (const char* stem : {"5_layer01", "5_layer02", "6_layer01", "6_layer02"}) {
    for (const char* ext : {".svg", ".png", ".pdf"}) {
      const fs::path p = out / (std::string(stem) + ext);
      ASSERT_TRUE(fs::exists(p)) << p;
      EXPECT_GT(fs::file_size(p), 100u) << p;
    }
  }
  std::ifstream svg(out / "6_layer02.svg");
  const std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_NE(text.find("<image"), std::string::npos);  // the heatmaps
  EXPECT_EQ(std::distance(fs::directory_iterator(out.path()), fs::directory_iterator{}), 12);  // no .tmp left
}

// Pixels of the PNG of colour c (within one step per channel).
int png_pixels_of(const fs::path& png, const Rgb& c) {
  cairo_surface_t* image = cairo_image_surface_create_from_png(png.c_str());
  int n = 0;
  if (cairo_surface_status(image) == CAIRO_STATUS_SUCCESS) {
    const unsigned char* data = cairo_image_surface_get_data(image);
    const int stride = cairo_image_surface_get_stride(image);
    const auto near = [](std::uint32_t v, double want) { return std::abs(double(v & 0xff) - want * 255) <= 1.01; };
    for (int y = 0; y < cairo_image_surface_get_height(image); ++y) {
      const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::ptrdiff_t(y) * stride);
      for (int x = 0; x < cairo_image_surface_get_width(image); ++x) {
        n += near(row[x] >> 16, c.r) && near(row[x] >> 8, c.g) && near(row[x], c.b);
      }
    }
  }
  cairo_surface_destroy(image);
  return n;
}

TEST(AttentionFigures, HeatmapsShareOneColourScale) {
  const SmallFile file(false);
  const ReportData d = report_of(file);
  test::TempDir out("plot-attention-figures");
  AttentionFigureOptions o;
  o.formats = {"png"};
  write_attention_figures(out.path(), d, o);
  // Source 5 at layer 2: sentence 0 (2 x 2, largest weight 0.2734375) and sentence 2 (1 x 1, 0.3125).
  const double small = *std::max_element(file.maps[0].begin() + 4, file.maps[0].end());
  const double large = file.maps[2][1];
  ASSERT_LT(small, large);
  // A cell is a block of 14 x 14 pt (at 3 px a point); the colour bar's gradient has a colour in a
  // row or two only.
  EXPECT_GT(png_pixels_of(out / "5_layer02.png", heat_colour(1)), 1000);  // sentence 2's cell
  EXPECT_GT(png_pixels_of(out / "5_layer02.png", heat_colour(small / large)), 1000);  // sentence 0's largest
}

TEST(AttentionFigures, ViridisEnds) {
  const Rgb lo = heat_colour(0), hi = heat_colour(1), mid = heat_colour(0.5);
  EXPECT_NEAR(lo.r * 255, 0x44, 1e-9);
  EXPECT_NEAR(lo.b * 255, 0x54, 1e-9);
  EXPECT_NEAR(hi.g * 255, 0xe7, 1e-9);
  EXPECT_NEAR(mid.g * 255, 0x91, 1e-9);
  EXPECT_EQ(heat_colour(-3), lo);
  EXPECT_EQ(heat_colour(7), hi);
}

}  // namespace
}  // namespace polyrep::plot
