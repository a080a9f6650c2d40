#include "polyrep/plot/vega_lite.hpp"

#include <cstdio>
#include <fstream>

#include "polyrep/core/error.hpp"
#include "polyrep/plot/palette.hpp"

namespace polyrep::plot {
namespace fs = std::filesystem;
namespace {
using nlohmann::json;

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string column(const std::string& method, char axis, std::size_t slot) {
  return method + "_" + axis + "_" + std::to_string(slot);
}


// Moves a finished temporary file over `out`: a killed plot never leaves a half-written file under
// its real name.
void commit(const fs::path& tmp, const fs::path& out) {
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw IoError(out.string() + ": cannot write: " + ec.message());
  }
}

fs::path temporary(const fs::path& out) { return fs::path(out.string() + ".tmp"); }

}  // namespace

void write_cloud_csv(const fs::path& out, const ReportData& d, const Cloud& c) {
  std::ofstream f(temporary(out), std::ios::binary);
  f << "point,language,text,source_index";
  if (!c.occurrences.empty()) f << ",occurrences";
  for (const View& v : c.views) {
    for (std::size_t s = 0; s < v.layers.size(); ++s) f << ',' << column(v.method, 'x', s) << ',' << column(v.method, 'y', s);
  }
  f << '\n';
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const std::int32_t sentence = c.sentence[i];
    f << i << ',' << d.languages[std::size_t(c.lang[i])] << ',' << csv_field(c.text[i]) << ','
      << (sentence >= 0 ? std::to_string(d.sentences.source_index[std::size_t(sentence)]) : "");
    if (!c.occurrences.empty()) f << ',' << c.occurrences[i];
    for (const View& v : c.views) {
      for (const ViewLayer& l : v.layers) {
        f << ',' << number(l.xy(Eigen::Index(i), 0)) << ',' << number(l.xy(Eigen::Index(i), 1));
      }
    }
    f << '\n';
  }
  f.close();
  if (!f) throw IoError(out.string() + ": cannot write");
  commit(temporary(out), out);
}

json vega_lite_spec(const ReportData& d, const Cloud& c, const View& v, std::size_t slot, const std::string& csv_url) {
  const std::string x = column(v.method, 'x', slot), y = column(v.method, 'y', slot);
  const std::string method = v.method == "pca" ? "PCA" : "t-SNE";
  const std::string layer = layer_label(d.layers[slot]);
  std::vector<std::string> colors;
  for (const Rgb& rgb : language_palette(d.languages.size())) colors.push_back(to_hex(rgb));
  json tooltip = json::array({{{"field", "text"}, {"type", "nominal"}}, {{"field", "language"}, {"type", "nominal"}}});
  if (!c.occurrences.empty()) tooltip.push_back({{"field", "occurrences"}, {"type", "quantitative"}});
  return {{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
          {"title", c.label + " · " + layer + " · " + method},
          {"width", 480},
          {"height", 480},
          {"data", {{"url", csv_url}, {"format", {{"type", "csv"}}}}},
          {"mark", {{"type", "circle"}, {"size", c.rows.size() > 20000 ? 4 : 14}, {"opacity", 0.6}}},
          {"encoding",
           {{"x", {{"field", x}, {"type", "quantitative"}, {"title", v.method == "pca" ? "PC1" : "t-SNE 1"}}},
            {"y", {{"field", y}, {"type", "quantitative"}, {"title", v.method == "pca" ? "PC2" : "t-SNE 2"}}},
            {"color",
             {{"field", "language"},
              {"type", "nominal"},
              {"scale", {{"domain", d.languages}, {"range", colors}}}}},
            {"tooltip", tooltip}}},
          {"params", json::array({{{"name", "zoom"}, {"select", "interval"}, {"bind", "scales"}}})}};
}

std::size_t write_vega_lite(const fs::path& dir, const ReportData& d) {
  std::size_t specs = 0;
  for (const Cloud& c : d.clouds) {
    write_cloud_csv(dir / (c.name + ".csv"), d, c);
    for (const View& v : c.views) {
      for (std::size_t s = 0; s < v.layers.size(); ++s) {
        const fs::path out = dir / (c.name + "_" + v.method + "_" + layer_file_tag(d.layers[s]) + ".vl.json");
        std::ofstream f(temporary(out), std::ios::binary);
        f << vega_lite_spec(d, c, v, s, c.name + ".csv").dump(2) << '\n';
        f.close();
        if (!f) throw IoError(out.string() + ": cannot write");
        commit(temporary(out), out);
        ++specs;
      }
    }
  }
  return specs;
}

}  // namespace polyrep::plot
