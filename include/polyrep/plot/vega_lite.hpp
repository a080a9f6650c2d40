#pragma once
/// Vega-Lite exports of `polyrep plot`, for Altair/Vega users who restyle the plots: one CSV per
/// cloud (a row per point: language, text, sentence source index, and x/y of every view and layer
/// as columns `<method>_x_<slot>`), and one Vega-Lite v5 spec per view and layer that reads it by
/// relative URL (`alt.Chart.from_json(open(spec).read())`, or the Vega editor with the CSV beside
/// it). Colours are polyrep's language palette, tooltips show the text, layer and language.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "polyrep/plot/report_data.hpp"

namespace polyrep::plot {

/// The CSV of a cloud (RFC 4180 quoting).
void write_cloud_csv(const std::filesystem::path& out, const ReportData& data, const Cloud& cloud);

/// The spec of one view and layer slot of a cloud, reading `csv_url`.
nlohmann::json vega_lite_spec(const ReportData& data, const Cloud& cloud, const View& view, std::size_t slot,
                              const std::string& csv_url);

/// Writes `<dir>/<cloud>.csv` and `<dir>/<cloud>_<method>_layer<NN>.vl.json` for every cloud,
/// view and layer; returns the number of specs written.
std::size_t write_vega_lite(const std::filesystem::path& dir, const ReportData& data);

}  // namespace polyrep::plot
