#include "polyrep/plot/compare_data.hpp"

#include "polyrep/plot/procrustes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_set>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/extract/extraction_file.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/plot/cka.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/reduce/tsne_job.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/schema/results.hpp"

namespace polyrep::plot {
namespace fs = std::filesystem;
namespace {

struct Side {
  fs::path path;
  h5::File source, results;
};

std::string quoted(const std::string& s) { return "'" + (s.size() > 40 ? s.substr(0, 37) + "..." : s) + "'"; }
std::string quoted(std::int64_t v) { return std::to_string(v); }

template <typename T>
std::string joined(const std::vector<T>& v) {
  std::string out;
  for (const T& x : v) {
    if constexpr (std::is_arithmetic_v<T>) out += (out.empty() ? "" : ",") + std::to_string(x);
    else out += (out.empty() ? "" : ",") + x;
  }
  return out;
}

[[noreturn]] void refuse(const Side& a, const Side& b, const std::string& detail) {
  throw InputError("--compare " + b.path.string() + ": not the same sentences as " + a.path.string() + ": " + detail);
}

// The same table in both files: same length, same values (the first difference is named).
template <typename T>
void require_same(const Side& a, const Side& b, const char* table, const std::vector<T>& x, const std::vector<T>& y,
                  const std::string& hint = "") {
  if (x.size() != y.size()) {
    refuse(a, b, std::string(table) + " has " + std::to_string(y.size()) + " rows against " + std::to_string(x.size()) + hint);
  }
  const auto at = std::mismatch(x.begin(), x.end(), y.begin()).first - x.begin();
  if (std::size_t(at) < x.size()) {
    refuse(a, b, std::string(table) + " differs at row " + std::to_string(at) + " (" + quoted(y[std::size_t(at)]) +
                     " against " + quoted(x[std::size_t(at)]) + ")" + hint);
  }
}

void require_same_strings(const Side& a, const Side& b, const char* table) {
  require_same(a, b, table, h5::read_strings(h5::Dataset::open(a.source.id(), table)),
               h5::read_strings(h5::Dataset::open(b.source.id(), table)));
}

void require_same_ints(const Side& a, const Side& b, const char* table, const std::string& hint = "") {
  require_same(a, b, table, h5::read_all<std::int64_t>(h5::Dataset::open(a.source.id(), table)),
               h5::read_all<std::int64_t>(h5::Dataset::open(b.source.id(), table)), hint);
}

// A complete extraction with reduction results (the checks and messages of load_report_data).
Side open_reduced(const fs::path& path) {
  Side s;
  s.path = path;
  extract::require_hdf5_file(path);
  s.source = h5::File::open(path, false);
  extract::require_complete_extraction(s.source.id(), path);
  s.results = reduce::open_results(path);
  return s;
}

Side open_compared(const fs::path& path) {
  try {
    return open_reduced(path);
  } catch (...) {
    rethrow_with_context("--compare");
  }
}

bool has_cloud(const Side& s, const std::string& name) { return h5::exists(s.results.id(), schema::pca(name).projection()); }
bool has_tsne(const Side& s, const std::string& name) { return h5::exists(s.results.id(), schema::tsne(name).embedding()); }

std::vector<std::int64_t> tsne_rows(const Side& s, const std::string& name) {
  return h5::read_all<std::int64_t>(h5::Dataset::open(s.results.id(), schema::tsne(name).rows()));
}

bool same_types(const Side& a, const Side& b) {
  for (const char* table : {schema::types::lang, schema::types::token_id}) {
    if (h5::read_all<std::int64_t>(h5::Dataset::open(a.results.id(), table)) !=
        h5::read_all<std::int64_t>(h5::Dataset::open(b.results.id(), table)))
      return false;
  }
  return true;
}

std::string name_of(const Side& s) { return s.path.filename().string(); }

// The rows of one cloud both files show: t-SNE's when both ran it (the rows both used), else the
// cloud's per-language blocks, sampled as for one file.
CloudRows plan_cloud_pair(const Side& a, const Side& b, const std::string& name, const ReportDataOptions& o) {
  CloudRows p{name, {}, false};
  const reduce::LanguageRows langs = cloud_language_rows(a.source.id(), a.results.id(), name);
  const bool ta = has_tsne(a, name), tb = has_tsne(b, name);
  if (ta && tb) {
    const auto ra = tsne_rows(a, name), rb = tsne_rows(b, name);
    std::vector<std::int64_t> both = ra;
    if (ra != rb) {
      const std::unordered_set<std::int64_t> in_b(rb.begin(), rb.end());
      both.erase(std::remove_if(both.begin(), both.end(), [&](std::int64_t r) { return !in_b.count(r); }), both.end());
      log::info("plot --compare: the t-SNE runs of the " + name + " used other rows (reduce --tsne-max-points, --seed): " +
                "showing the " + std::to_string(both.size()) + " rows both used");
    }
    if (!both.empty()) {
      for (std::int64_t at : subsample_positions(both, langs, o.max_points, o.seed)) p.rows.push_back(both[std::size_t(at)]);
      p.tsne = true;
      return p;
    }
    log::warn("plot --compare: the t-SNE runs of the " + name + " have no row in common: PCA only");
  } else if (ta != tb) {
    log::warn("plot --compare: only " + name_of(ta ? a : b) + " has a t-SNE of the " + name + " (reduce --tsne): PCA only");
  }
  p.rows = reduce::stratified_rows(langs.offsets, o.max_points, o.seed);
  return p;
}

std::vector<std::string> adapter_summaries(const fs::path& path) {
  const h5::File f = h5::File::open(path, false);
  std::vector<std::string> out;
  if (!h5::has_attr(f.id(), schema::attr::adapters)) return out;
  const auto list = nlohmann::json::parse(h5::get_attr_string(f.id(), schema::attr::adapters), nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& a : list) {
    if (a.is_object() && a.contains("summary") && a["summary"].is_string()) out.push_back(a["summary"].get<std::string>());
    else if (a.is_object() && a.contains("path") && a["path"].is_string()) out.push_back(fs::path(a["path"].get<std::string>()).filename().string());
  }
  return out;
}

void choose_labels(CompareData& d, const std::vector<std::string>& given) {
  if (!given.empty()) {
    d.labels = {given[0], given[1]};
    return;
  }
  d.labels = {default_label(d.a.model, d.adapters[0]), default_label(d.b.model, d.adapters[1])};
  if (d.labels[0] == d.labels[1]) d.labels = {d.labels[0] + " (" + d.a.source + ")", d.labels[1] + " (" + d.b.source + ")"};
  if (d.labels[0] == d.labels[1]) d.labels = {"A: " + d.labels[0], "B: " + d.labels[1]};
}

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows [start, start + count) of layer slot `layer` of a [layer, row, hidden] dataset, as float.
RowMajor read_block(const h5::Dataset& ds, hsize_t layer, hsize_t start, hsize_t count) {
  const hsize_t hidden = ds.dims()[2];
  RowMajor m(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(hidden));
  ds.read(m.data(), h5::native<float>(), {layer, start, 0}, {1, count, hidden});
  return m;
}

double layer_cka(const h5::Dataset& x, const h5::Dataset& y, hsize_t layer, std::int64_t block_rows) {
  const hsize_t n = x.dims()[1], block = hsize_t(block_rows);
  LinearCka cka;
  for (hsize_t start = 0; start < n; start += block) {
    const hsize_t count = std::min(block, n - start);
    cka.add(read_block(x, layer, start, count).cast<double>(), read_block(y, layer, start, count).cast<double>());
  }
  return cka.value();
}

std::string shape_of(const std::vector<hsize_t>& dims) {
  std::string s;
  for (hsize_t d : dims) s += (s.empty() ? "(" : ", ") + std::to_string(d);
  return s + ")";
}

// B's layout of every view and layer turned onto A's (the same points in the same order).
void align_layouts(CompareData& d) {
  for (std::size_t c = 0; c < d.b.clouds.size(); ++c) {
    for (std::size_t v = 0; v < d.b.clouds[c].views.size(); ++v) {
      auto& layers = d.b.clouds[c].views[v].layers;
      const auto& reference = d.a.clouds.at(c).views.at(v).layers;
      for (std::size_t l = 0; l < layers.size(); ++l) layers[l].xy = align_to(layers[l].xy, reference.at(l).xy);
    }
  }
  d.aligned = true;
}

void check_options(const CompareOptions& o) {
  if (o.data.max_points < 1) throw UsageError("--max-points: expected a positive number");
  if (o.cka_block_rows < 1) throw UsageError("CKA block rows: expected a positive number");
  const bool named = std::all_of(o.labels.begin(), o.labels.end(), [](const std::string& l) { return !l.empty(); });
  if (!(o.labels.empty() || (o.labels.size() == 2 && named))) {
    throw UsageError("--labels: expected two non-empty names separated by a comma, A's and B's (got " +
                     std::to_string(o.labels.size()) + ")");
  }
}

}  // namespace

void require_comparable(const fs::path& a, const fs::path& b) {
  const Side sa = open_reduced(a);
  const Side sb = open_compared(b);
  require_same_strings(sa, sb, schema::languages);
  for (const char* table : {schema::sentences::lang, schema::sentences::source_index}) require_same_ints(sa, sb, table);
  require_same_strings(sa, sb, schema::sentences::text);
  require_same_ints(sa, sb, schema::sentences::token_offset, " (another tokenizer, or another --max-tokens?)");
  require_same_ints(sa, sb, schema::tokens::id, " (another tokenizer?)");
  const auto la = h5::get_attr_int_vector(sa.source.id(), schema::attr::layers);
  const auto lb = h5::get_attr_int_vector(sb.source.id(), schema::attr::layers);
  if (la != lb) {
    throw InputError("--compare " + b.string() + ": other stored layers than " + a.string() + " (" + joined(lb) +
                     " against " + joined(la) + "; extract --layers)");
  }
}

std::vector<CloudRows> compare_plan(const fs::path& a, const fs::path& b, const ReportDataOptions& options) {
  const Side sa = open_reduced(a);
  const Side sb = open_compared(b);
  std::vector<CloudRows> plan;
  for (const std::string name : {schema::cloud::sentences, schema::cloud::tokens, schema::cloud::types}) {
    const bool in_a = has_cloud(sa, name), in_b = has_cloud(sb, name);
    if (!in_a && !in_b) continue;
    if (in_a != in_b) {
      log::warn("plot --compare: only " + name_of(in_a ? sa : sb) + " has the " + name +
                (name == schema::cloud::types ? " (reduce --average-token-duplicates)" : "") + ": not shown");
      continue;
    }
    if (name == schema::cloud::types && !same_types(sa, sb)) {
      log::warn("plot --compare: the token types of the two files differ: not shown");
      continue;
    }
    plan.push_back(plan_cloud_pair(sa, sb, name, options));
  }
  if (plan.empty()) throw InputError("--compare " + b.string() + ": no cloud reduced in both it and " + a.string());
  return plan;
}

std::vector<double> sentence_cka(const fs::path& a, const fs::path& b, std::int64_t block_rows, std::int64_t* rows) {
  const std::string mean = schema::hidden::pooled("mean");
  const h5::File fa = h5::File::open(a, false), fb = h5::File::open(b, false);
  if (rows) *rows = 0;
  if (!h5::exists(fa.id(), mean) || !h5::exists(fb.id(), mean)) {
    log::warn("plot --compare: no sentence CKA: " + (h5::exists(fa.id(), mean) ? b : a).filename().string() +
              " has no mean-pooled sentence vectors (extract --pooling mean)");
    return {};
  }
  const h5::Dataset x = h5::Dataset::open(fa.id(), mean), y = h5::Dataset::open(fb.id(), mean);
  const auto dx = x.dims(), dy = y.dims();
  if (dx.size() != 3 || dy.size() != 3 || dx[0] != dy[0] || dx[1] != dy[1]) {
    throw InputError("--compare " + b.string() + ": " + mean + " is " + shape_of(dy) + " against " + shape_of(dx) +
                     " in " + a.string());
  }
  std::vector<double> out;
  for (hsize_t layer = 0; layer < dx[0]; ++layer) out.push_back(layer_cka(x, y, layer, block_rows));
  if (rows) *rows = std::int64_t(dx[1]);
  return out;
}

std::string default_label(const std::string& model, const std::vector<std::string>& adapters) {
  std::string label = model.empty() ? "model" : model;
  for (const std::string& a : adapters) label += " + " + a;
  return label;
}

CompareData load_compare_data(const fs::path& a, const fs::path& b, const CompareOptions& options) {
  check_options(options);
  require_comparable(a, b);
  const std::vector<CloudRows> plan = compare_plan(a, b, options.data);
  CompareData d;
  d.a = load_report_data(a, plan);
  try {
    d.b = load_report_data(b, plan);
  } catch (...) {
    rethrow_with_context("--compare");
  }
  if (options.align) align_layouts(d);
  d.adapters = {adapter_summaries(a), adapter_summaries(b)};
  choose_labels(d, options.labels);
  d.sentence_cka = sentence_cka(a, b, options.cka_block_rows, &d.cka_rows);
  return d;
}

}  // namespace polyrep::plot
