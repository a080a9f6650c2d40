#include "polyrep/plot/compare_report.hpp"

#include <cmath>

#include "polyrep/core/error.hpp"
#include "polyrep/plot/report.hpp"

namespace polyrep::plot {
namespace {
using nlohmann::json;

json file_json(const ReportData& d, const std::vector<std::string>& adapters) {
  return {{"source", d.source}, {"model", d.model}, {"adapters", adapters}};
}

json cka_json(const CompareData& d) {
  json values = json::array();
  for (double v : d.sentence_cka) values.push_back(std::isfinite(v) ? json(v) : json(nullptr));
  return {{"method", "linear"}, {"pooling", "mean"}, {"rows", d.cka_rows}, {"sentences", std::move(values)}};
}

}  // namespace

std::string compare_title(const CompareData& d) { return d.labels[0] + " vs " + d.labels[1]; }

json compare_payload(const CompareData& d) {
  if (d.a.clouds.size() != d.b.clouds.size() || d.a.layers != d.b.layers) {
    throw Error("compare report: the two files' report data do not match");
  }
  json payload = report_payload(d.a);
  payload["title"] = compare_title(d);
  payload["source"] = d.a.source + " vs " + d.b.source;
  if (d.a.model != d.b.model) payload["model"] = d.a.model + " vs " + d.b.model;
  json clouds = json::array();
  for (std::size_t k = 0; k < d.b.clouds.size(); ++k) {
    const Cloud& a = d.a.clouds[k];
    const Cloud& b = d.b.clouds[k];
    if (a.name != b.name || a.rows != b.rows) throw Error("compare report: cloud " + a.name + " differs between the files");
    clouds.push_back({{"name", b.name}, {"count", b.rows.size()}, {"views", views_json(b)}});
  }
  json compare = {{"labels", d.labels},
                  {"files", {file_json(d.a, d.adapters[0]), file_json(d.b, d.adapters[1])}},
                  {"clouds", std::move(clouds)}};
  if (!d.sentence_cka.empty()) compare["cka"] = cka_json(d);
  payload["compare"] = std::move(compare);
  return payload;
}

}  // namespace polyrep::plot
