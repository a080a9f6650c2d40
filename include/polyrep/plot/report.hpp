#pragma once
/// The interactive HTML report of `polyrep plot`: one file with the viewer (report_assets.hpp)
/// and the data inlined, which opens offline from disk. The data is the JSON described in
/// src/plot/assets/PAYLOAD.md: coordinates quantised to 16 bits per axis within each view's
/// bounds (1/65535 of the extent, far below a pixel) and typed arrays in base64, so 200,000 points
/// x 13 layers x 2 views stay around 30 MB. Attention maps (when the file has them) are quantised to
/// 16 bits of [0, 1] per weight.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "polyrep/plot/report_data.hpp"

namespace polyrep::plot {

/// The JSON document the viewer reads.
nlohmann::json report_payload(const ReportData& data);

/// The complete HTML page.
std::string render_report(const ReportData& data);

/// Writes render_report() to `out` (via out + ".tmp", renamed when complete); IoError naming it.
void write_report(const std::filesystem::path& out, const ReportData& data);

/// The "views" of a cloud as report_payload writes them (a compare report's second file reuses it).
nlohmann::json views_json(const Cloud& cloud);

/// The page, and writing it, for any payload (report_payload's, or compare_payload's, compare_report.hpp).
std::string render_report_page(const nlohmann::json& payload);
void write_report_page(const std::filesystem::path& out, const nlohmann::json& payload);

}  // namespace polyrep::plot
