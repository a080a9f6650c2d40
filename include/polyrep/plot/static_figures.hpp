#pragma once
/// The paper figures of `polyrep plot`: for every cloud, one figure per layer with its PCA and
/// t-SNE panels side by side (`<cloud>_layer<NN>.<ext>`), and one small-multiples grid of all
/// layers per view (`<cloud>_<method>_grid.<ext>`), in each requested format (svg, png, pdf), all
/// with one language legend in polyrep's palette.
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/plot/compare_data.hpp"
#include "polyrep/plot/report_data.hpp"

namespace polyrep::plot {

struct StaticFigureOptions {
  std::vector<std::string> formats{"svg", "png"};
  bool per_layer = true;
  bool grids = true;
  std::uint64_t seed = 0;
};

/// Writes the figures into `dir`; returns how many files were written.
std::size_t write_static_figures(const std::filesystem::path& dir, const ReportData& data,
                                 const StaticFigureOptions& options);

/// The figures of a compare report (compare_data.hpp): for every cloud, view and layer,
/// `compare_<cloud>_<method>_layer<NN>.<ext>` with A's and B's panels side by side, each titled
/// with its label, the sentence CKA of the layer in the sentences' titles. Ignores per_layer and
/// grids; returns how many files were written.
std::size_t write_compare_figures(const std::filesystem::path& dir, const CompareData& data,
                                  const StaticFigureOptions& options);

}  // namespace polyrep::plot
