#pragma once
// Private to src/plot: type sizes (points) shared by the layout, which measures, and the drawing.
namespace polyrep::plot {

constexpr double kFigureTitleFontSize = 11;
constexpr double kPanelTitleFontSize = 8.5;
constexpr double kSubtitleFontSize = 7.5;
constexpr double kAxisFontSize = 7.5;
constexpr double kLegendLabelGap = 0.45;  // marker to name, in legend font sizes

}  // namespace polyrep::plot
