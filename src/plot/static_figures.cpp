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
  return p;
}

std::size_t write_all_formats(const fs::path& stem, const std::vector<ScatterPanel>& panels, const Legend& legend,
                              const FigureOptions& o, const std::vector<std::string>& formats) {
  for (const std::string& ext : formats) write_figure(stem.string() + "." + ext, panels, legend, o);
  return formats.size();
}

}  // namespace

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
