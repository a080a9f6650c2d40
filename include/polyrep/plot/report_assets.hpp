#pragma once
/// The interactive report's viewer, compiled into polyrep from src/plot/assets (see
/// cmake/EmbedAssets.cmake): the HTML template with its three placeholder lines, the stylesheet
/// and the script (the viewer's modules, joined) that `write_report` inlines, so a report is one
/// file that opens offline.
#include <string_view>

namespace polyrep::plot {

std::string_view report_template();  // report.html
std::string_view report_css();       // report.css
std::string_view report_js();        // js/*.js, joined in name order inside one function scope

}  // namespace polyrep::plot
