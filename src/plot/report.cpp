#include "polyrep/plot/report.hpp"

#include <algorithm>
#include <cmath>
#include <array>
#include <fstream>
#include <unordered_map>

#include "polyrep/core/error.hpp"
#include "polyrep/plot/base64.hpp"
#include "polyrep/plot/palette.hpp"
#include "polyrep/plot/report_assets.hpp"

namespace polyrep::plot {
namespace {
using nlohmann::json;

// Finite bounds of a layout (a degenerate axis gets a unit extent so points sit in the middle).
std::array<double, 4> bounds_of(const Layout& xy) {
  std::array<double, 4> b{INFINITY, -INFINITY, INFINITY, -INFINITY};
  for (Eigen::Index i = 0; i < xy.rows(); ++i) {
    for (int axis = 0; axis < 2; ++axis) {
      const double v = xy(i, axis);
      if (!std::isfinite(v)) continue;
      b[std::size_t(2 * axis)] = std::min(b[std::size_t(2 * axis)], v);
      b[std::size_t(2 * axis + 1)] = std::max(b[std::size_t(2 * axis + 1)], v);
    }
  }
  for (std::size_t axis = 0; axis < 2; ++axis) {
    if (!(b[2 * axis] <= b[2 * axis + 1])) b[2 * axis] = b[2 * axis + 1] = 0;
    if (b[2 * axis] == b[2 * axis + 1]) {
      b[2 * axis] -= 0.5;
      b[2 * axis + 1] += 0.5;
    }
  }
  return b;
}

json layer_json(const ViewLayer& layer, const std::string& method) {
  const auto b = bounds_of(layer.xy);
  std::vector<std::uint16_t> q(std::size_t(layer.xy.rows()) * 2);
  for (Eigen::Index i = 0; i < layer.xy.rows(); ++i) {
    for (int axis = 0; axis < 2; ++axis) {
      const double lo = b[std::size_t(2 * axis)], hi = b[std::size_t(2 * axis + 1)];
      const double v = std::isfinite(layer.xy(i, axis)) ? layer.xy(i, axis) : lo;
      q[std::size_t(2 * i + axis)] = std::uint16_t(std::lround(std::clamp((v - lo) / (hi - lo), 0.0, 1.0) * 65535.0));
    }
  }
  json j{{"bounds", b}, {"xy", base64_of(q)}};
  if (method == "pca") j["explained_variance_ratio"] = layer.explained_variance_ratio;
  if (method == "tsne") j["kl_divergence"] = std::isfinite(layer.kl_divergence) ? json(layer.kl_divergence) : json(nullptr);
  return j;
}

// Unique display strings of a cloud and each point's index into them.
std::pair<std::vector<std::string>, std::vector<std::uint32_t>> intern(const std::vector<std::string>& texts) {
  std::vector<std::string> strings;
  std::vector<std::uint32_t> index;
  std::unordered_map<std::string, std::uint32_t> seen;
  for (const std::string& t : texts) {
    auto [it, fresh] = seen.try_emplace(t, std::uint32_t(strings.size()));
    if (fresh) strings.push_back(t);
    index.push_back(it->second);
  }
  return {strings, index};
}

json cloud_json(const Cloud& c) {
  std::vector<std::uint16_t> lang(c.lang.begin(), c.lang.end());
  auto [strings, text] = intern(c.text);
  json j{{"name", c.name},         {"label", c.label},          {"count", c.rows.size()},
         {"lang", base64_of(lang)}, {"strings", std::move(strings)}, {"text", base64_of(text)},
         {"sentence", base64_of(c.sentence)}};
  if (!c.path.empty()) j["path"] = base64_of(c.path);
  if (!c.occurrences.empty()) {
    std::vector<std::uint32_t> occ(c.occurrences.begin(), c.occurrences.end());
    j["occurrences"] = base64_of(occ);
  }
  j["views"] = views_json(c);
  return j;
}

// An attention weight (a probability) as q / 65535 in [0, 1]: 7.6e-6 at most from the stored value.
std::uint16_t quantize_weight(float w) {
  if (!(w > 0)) return 0;  // NaN too
  return std::uint16_t(std::lround(std::min(1.0, double(w)) * 65535.0));
}

json attention_json(const AttentionData& a) {
  std::vector<std::int32_t> sentence;
  json tokens = json::array();
  for (const AttentionMap& m : a.maps) {
    sentence.push_back(m.sentence);
    tokens.push_back(m.tokens);
  }
  json values = json::array();
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    std::vector<std::uint16_t> q;
    for (const AttentionMap& m : a.maps) {
      const float* w = m.at(l);
      for (std::size_t i = 0; i < m.size() * m.size(); ++i) q.push_back(quantize_weight(w[i]));
    }
    values.push_back(base64_of(q));
  }
  const std::vector<std::int32_t> omitted(a.omitted_sources.begin(), a.omitted_sources.end());
  return {{"layers", a.layers},         {"count", a.maps.size()},
          {"sentence", base64_of(sentence)}, {"tokens", std::move(tokens)},
          {"values", std::move(values)},     {"dtype", a.dtype},
          {"max_maps", a.max_maps},          {"file_maps", a.file_maps},
          {"file_groups", a.file_groups},    {"groups", a.kept_groups},
          {"omitted_source_index", base64_of(omitted)}};
}

void replace_line(std::string& page, const std::string& placeholder, const std::string& content) {
  const auto at = page.find(placeholder);
  if (at == std::string::npos) throw Error("report template: placeholder " + placeholder + " missing");
  page.replace(at, placeholder.size(), content);
}

}  // namespace

json views_json(const Cloud& c) {
  json views = json::array();
  for (const View& v : c.views) {
    json layers = json::array();
    for (const ViewLayer& l : v.layers) layers.push_back(layer_json(l, v.method));
    views.push_back({{"method", v.method}, {"layers", std::move(layers)}});
  }
  return views;
}

json report_payload(const ReportData& d) {
  if (d.languages.size() > 65535) throw InputError("plot: more than 65535 languages do not fit the report");
  std::vector<std::string> colors;
  for (const Rgb& c : language_palette(d.languages.size())) colors.push_back(to_hex(c));
  std::vector<std::uint16_t> lang(d.sentences.lang.begin(), d.sentences.lang.end());
  std::vector<std::int32_t> source(d.sentences.source_index.begin(), d.sentences.source_index.end());
  json clouds = json::array();
  for (const Cloud& c : d.clouds) clouds.push_back(cloud_json(c));
  json payload = {{"format", "polyrep-report/1"},
                  {"title", d.title},
                  {"model", d.model},
                  {"source", d.source},
                  {"languages", d.languages},
                  {"colors", colors},
                  {"layers", d.layers},
                  {"sentences",
                   {{"count", d.sentences.text.size()},
                    {"lang", base64_of(lang)},
                    {"source_index", base64_of(source)},
                    {"text", d.sentences.text}}},
                  {"clouds", std::move(clouds)}};
  if (d.attention.present()) payload["attention"] = attention_json(d.attention);
  return payload;
}

std::string render_report(const ReportData& data) { return render_report_page(report_payload(data)); }

std::string render_report_page(const json& payload) {
  // Invalid UTF-8 cannot come from an extraction file (extract validates it), but replace rather
  // than fail if it ever does.
  std::string json_text = payload.dump(-1, ' ', false, json::error_handler_t::replace);
  // "</script" or "<!--" inside a string would end or confuse the <script> element; JSON only has
  // '<' inside strings, where \u003c is the same character.
  std::string escaped;
  escaped.reserve(json_text.size());
  for (char ch : json_text) {
    if (ch == '<') {
      escaped += "\\u003c";
    } else {
      escaped += ch;
    }
  }
  std::string page(report_template());
  // Last placeholder first, so that text inserted earlier is never searched for placeholders.
  replace_line(page, "<!--POLYREP:JS-->", "<script>\n" + std::string(report_js()) + "</script>");
  replace_line(page, "<!--POLYREP:DATA-->",
               "<script type=\"application/json\" id=\"polyrep-data\">" + escaped + "</script>");
  replace_line(page, "<!--POLYREP:CSS-->", "<style>\n" + std::string(report_css()) + "</style>");
  return page;
}

void write_report(const std::filesystem::path& out, const ReportData& data) { write_report_page(out, report_payload(data)); }

void write_report_page(const std::filesystem::path& out, const json& payload) {
  const std::string page = render_report_page(payload);
  const std::filesystem::path tmp = out.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f.write(page.data(), std::streamsize(page.size()));
    f.close();
    if (!f) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw IoError(out.string() + ": cannot write the report");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) throw IoError(out.string() + ": cannot write the report: " + ec.message());
}

}  // namespace polyrep::plot
