#include "polyrep/plot/static_figures.hpp"

#include <cmath>
#include <cstdio>

#include "polyrep/plot/figure.hpp"

namespace polyrep::plot {
namespace fs = std::filesystem;
namespace {


std::string percent(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * v);
  return buf;
}

ScatterPanel panel(const ReportData& d, const Cloud& c, const View& v, std::size_t slot, bool with_method) {
  const ViewLayer& l = v.layers[slot];
  ScatterPanel p;
  const std::string method = v.method == "pca" ? "PCA" : "t-SNE";
  p.title = with_method ? layer_label(d.layers[slot]) + " · " + method : layer_label(d.layers[slot]);
  if (v.method == "pca" && l.explained_variance_ratio.size() >= 2) {
    p.subtitle = "PC1 " + percent(l.explained_variance_ratio[0]) + " · PC2 " + percent(l.explained_variance_ratio[1]);
    p.x_label = "PC1";
    p.y_label = "PC2";
  } else if (v.method == "tsne" && std::isfinite(l.kl_divergence)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "KL %.3f", l.kl_divergence);
    p.subtitle = buf;
  }
  p.xy = l.xy;
  p.group = c.lang;
  p.path = c.path;
  return p;
}

std::size_t write_all_formats(const fs::path& stem, const std::vector<ScatterPanel>& panels, const Legend& legend,
                              const FigureOptions& o, const std::vector<std::string>& formats) {
  for (const std::string& ext : formats) write_figure(stem.string() + "." + ext, panels, legend, o);
  return formats.size();
}

const char* method_name(const View& v) { return v.method == "pca" ? "PCA" : "t-SNE"; }

// " · sentence CKA 0.9647" for the sentences at a layer where it is defined, else "".
std::string cka_note(const CompareData& d, const Cloud& c, std::size_t slot) {
  if (c.name != "sentences" || slot >= d.sentence_cka.size() || !std::isfinite(d.sentence_cka[slot])) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, " · linear CKA %.4f", d.sentence_cka[slot]);
  return buf;
}

}  // namespace

std::size_t write_compare_figures(const fs::path& dir, const CompareData& d, const StaticFigureOptions& options) {
  Legend legend;
  legend.names = d.a.languages;
  std::size_t written = 0;
  FigureOptions o;
  o.seed = options.seed;
  o.columns = 2;
  o.panel_size = 300;  // room for the labels as panel titles
  for (std::size_t k = 0; k < d.a.clouds.size(); ++k) {
    const Cloud &a = d.a.clouds[k], &b = d.b.clouds[k];
    for (std::size_t v = 0; v < a.views.size() && v < b.views.size(); ++v) {
      for (std::size_t slot = 0; slot < d.a.layers.size(); ++slot) {
        std::vector<ScatterPanel> panels{panel(d.a, a, a.views[v], slot, false), panel(d.b, b, b.views[v], slot, false)};
        panels[0].title = d.labels[0];
        panels[1].title = d.labels[1];
        o.title = a.label + " · " + layer_label(d.a.layers[slot]) + " · " + method_name(a.views[v]) + cka_note(d, a, slot);
        const std::string stem = "compare_" + a.name + "_" + a.views[v].method + "_" + layer_file_tag(d.a.layers[slot]);
        written += write_all_formats(dir / stem, panels, legend, o, options.formats);
      }
    }
  }
  return written;
}

std::size_t write_static_figures(const fs::path& dir, const ReportData& d, const StaticFigureOptions& options) {
  Legend legend;
  legend.names = d.languages;
  std::size_t written = 0;
  for (const Cloud& c : d.clouds) {
    FigureOptions o;
    o.seed = options.seed;
    if (options.per_layer) {
      for (std::size_t slot = 0; slot < d.layers.size(); ++slot) {
        std::vector<ScatterPanel> panels;
        for (const View& v : c.views) panels.push_back(panel(d, c, v, slot, true));
        o.title = c.label + " · " + layer_label(d.layers[slot]) + " · " + d.title;
        o.columns = int(panels.size());
        written += write_all_formats(dir / (c.name + "_" + layer_file_tag(d.layers[slot])), panels, legend, o,
                                     options.formats);
      }
    }
    if (options.grids) {
      for (const View& v : c.views) {
        std::vector<ScatterPanel> panels;
        for (std::size_t slot = 0; slot < v.layers.size(); ++slot) panels.push_back(panel(d, c, v, slot, false));
        o.title = c.label + " · " + (v.method == "pca" ? "PCA" : "t-SNE") + " per layer · " + d.title;
        o.columns = 0;
        o.panel_size = 180;
        written += write_all_formats(dir / (c.name + "_" + v.method + "_grid"), panels, legend, o, options.formats);
      }
    }
  }
  return written;
}

}  // namespace polyrep::plot
