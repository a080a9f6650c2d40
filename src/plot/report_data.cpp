#include "polyrep/plot/report_data.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "polyrep/core/error.hpp"
#include "polyrep/extract/extraction_file.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/select.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/reduce/language_rows.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/reduce/tsne_job.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/schema/results.hpp"

namespace polyrep::plot {
namespace fs = std::filesystem;
namespace {

struct Files {
  h5::File source, results;
};

const char* cloud_label(const std::string& name) {
  if (name == schema::cloud::sentences) return "Sentences (mean pooling)";
  if (name == schema::cloud::tokens) return "Tokens";
  return "Token types (mean per language)";
}

std::int32_t language_of(const reduce::LanguageRows& langs, std::int64_t row) {
  const auto g = std::upper_bound(langs.offsets.begin(), langs.offsets.end(), row) - langs.offsets.begin() - 1;
  return langs.languages[std::size_t(g)];
}

// The rows of a one-file report: t-SNE's own selection, further subsampled by language when it
// holds more than max_points; without t-SNE the cloud's per-language blocks, sampled (never all
// of its rows materialised).
CloudRows plan_cloud(const Files& f, const std::string& name, const ReportDataOptions& o) {
  const hid_t r = f.results.id();
  CloudRows p{name, {}, h5::exists(r, schema::tsne(name).embedding())};
  const reduce::LanguageRows langs = cloud_language_rows(f.source.id(), r, name);
  const std::string tsne_rows = schema::tsne(name).rows();
  if (!h5::exists(r, tsne_rows)) {
    p.rows = reduce::stratified_rows(langs.offsets, o.max_points, o.seed);
    p.tsne = false;
    return p;
  }
  const auto base = h5::read_all<std::int64_t>(h5::Dataset::open(r, tsne_rows));
  for (std::int64_t at : subsample_positions(base, langs, o.max_points, o.seed)) p.rows.push_back(base[std::size_t(at)]);
  return p;
}

// Where each of the cloud's rows is among the rows its t-SNE ran on.
std::vector<std::int64_t> tsne_positions(const Files& f, const fs::path& path, const CloudRows& p) {
  const auto base = h5::read_all<std::int64_t>(h5::Dataset::open(f.results.id(), schema::tsne(p.name).rows()));
  std::unordered_map<std::int64_t, std::int64_t> at;
  at.reserve(base.size());
  for (std::size_t i = 0; i < base.size(); ++i) at.emplace(base[i], std::int64_t(i));
  std::vector<std::int64_t> positions;
  positions.reserve(p.rows.size());
  for (std::int64_t row : p.rows) {
    const auto it = at.find(row);
    if (it == at.end()) {
      throw InputError(path.string() + ": row " + std::to_string(row) + " of the " + p.name + " has no t-SNE layout");
    }
    positions.push_back(it->second);
  }
  return positions;
}

void read_labels(const Files& f, Cloud& c) {
  const hid_t src = f.source.id();
  if (c.name == schema::cloud::sentences) {
    c.text = h5::read_strings_at(h5::Dataset::open(src, schema::sentences::text), c.rows);
    c.sentence.assign(c.rows.begin(), c.rows.end());
  } else if (c.name == schema::cloud::tokens) {
    c.text = h5::read_strings_at(h5::Dataset::open(src, schema::tokens::text), c.rows);
    const auto s = h5::read_ints_at(h5::Dataset::open(src, schema::tokens::sentence), c.rows);
    c.sentence.assign(s.begin(), s.end());
  } else {
    const auto first = h5::read_ints_at(h5::Dataset::open(f.results.id(), schema::types::first_row), c.rows);
    c.text = h5::read_strings_at(h5::Dataset::open(src, schema::tokens::text), first);
    c.occurrences = h5::read_ints_at(h5::Dataset::open(f.results.id(), schema::types::count), c.rows);
    c.sentence.assign(c.rows.size(), -1);
  }
}

Layout first_two(const Eigen::MatrixXf& m) {
  Layout xy(m.rows(), 2);
  xy.col(0) = m.col(0);
  xy.col(1) = m.cols() > 1 ? Eigen::VectorXf(m.col(1)) : Eigen::VectorXf::Zero(m.rows());
  return xy;
}

void read_views(const Files& f, Cloud& c, bool with_tsne, const std::vector<std::int64_t>& tsne_positions) {
  const hid_t r = f.results.id();
  const schema::PcaPaths pca = schema::pca(c.name);
  // Token types are averaged in the tokens' PCA space, so they share its explained variance.
  const schema::PcaPaths ratio_of = c.name == schema::cloud::types ? schema::pca(schema::cloud::tokens) : pca;
  h5::Dataset projection = h5::Dataset::open(r, pca.projection());
  const auto ratio = h5::read_all<double>(h5::Dataset::open(r, ratio_of.explained_variance_ratio()));
  const auto layers = std::int64_t(projection.dims()[0]);
  const auto k = ratio.size() / std::size_t(layers);
  View p{"pca", {}};
  for (std::int64_t l = 0; l < layers; ++l) {
    ViewLayer v;
    v.xy = first_two(h5::read_rows_at(projection, l, c.rows));
    v.explained_variance_ratio.assign(ratio.begin() + std::ptrdiff_t(std::size_t(l) * k),
                                      ratio.begin() + std::ptrdiff_t(std::size_t(l + 1) * k));
    p.layers.push_back(std::move(v));
  }
  c.views.push_back(std::move(p));
  const schema::TsnePaths tsne = schema::tsne(c.name);
  if (!with_tsne) return;
  h5::Dataset embedding = h5::Dataset::open(r, tsne.embedding());
  const auto kl = h5::read_all<double>(h5::Dataset::open(r, tsne.kl_divergence()));
  View t{"tsne", {}};
  for (std::int64_t l = 0; l < layers; ++l) {
    ViewLayer v;
    v.xy = h5::read_rows_at(embedding, l, tsne_positions);
    v.kl_divergence = kl[std::size_t(l)];
    t.layers.push_back(std::move(v));
  }
  c.views.push_back(std::move(t));
}

// A positions file of `polyrep embeddings`: its token rows 0..position_rows-1 are positions 0.., so
// the points of those rows are joined in row order (how a position table winds through space).
void join_positions(const Files& f, Cloud& c) {
  const hid_t src = f.source.id();
  if (c.name != schema::cloud::tokens || !h5::has_attr(src, "position_rows")) return;
  const std::int64_t positions = h5::get_attr_int(src, "position_rows");
  std::vector<std::pair<std::int64_t, std::int32_t>> order;
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    if (c.rows[i] < positions) order.emplace_back(c.rows[i], std::int32_t(i));
  }
  std::sort(order.begin(), order.end());
  for (const auto& [row, point] : order) c.path.push_back(point);
}

Cloud load_cloud(const Files& f, const fs::path& path, const CloudRows& p) {
  if (!h5::exists(f.results.id(), schema::pca(p.name).projection())) {
    throw InputError(path.string() + ": no PCA of the " + p.name + " in its reduction results");
  }
  Cloud c;
  c.name = p.name;
  c.label = cloud_label(p.name);
  c.rows = p.rows;
  const reduce::LanguageRows langs = cloud_language_rows(f.source.id(), f.results.id(), p.name);
  for (std::int64_t r : c.rows) c.lang.push_back(language_of(langs, r));
  read_labels(f, c);
  read_views(f, c, p.tsne, p.tsne ? tsne_positions(f, path, p) : std::vector<std::int64_t>{});
  join_positions(f, c);
  return c;
}

// The sentences of the attention maps and all their translations (rows of /sentences).
void add_attention_sentences(const Files& f, const AttentionData& a, std::map<std::int64_t, std::int32_t>& index) {
  if (a.maps.empty()) return;
  const auto source = h5::read_all<std::int64_t>(h5::Dataset::open(f.source.id(), schema::sentences::source_index));
  std::set<std::int64_t> wanted;
  for (const AttentionMap& m : a.maps) wanted.insert(source.at(std::size_t(m.row)));
  for (std::size_t row = 0; row < source.size(); ++row) {
    if (wanted.count(source[row])) index.emplace(std::int64_t(row), 0);
  }
}

// The sentences the clouds and attention maps refer to, renumbered densely in file order.
void build_sentence_table(const Files& f, ReportData& d) {
  std::map<std::int64_t, std::int32_t> index;
  for (const Cloud& c : d.clouds) {
    for (std::int32_t s : c.sentence) {
      if (s >= 0) index.emplace(s, 0);
    }
  }
  add_attention_sentences(f, d.attention, index);
  std::vector<std::int64_t> rows;
  for (auto& [row, id] : index) {
    id = std::int32_t(rows.size());
    rows.push_back(row);
  }
  for (Cloud& c : d.clouds) {
    for (std::int32_t& s : c.sentence) {
      if (s >= 0) s = index.at(s);
    }
  }
  for (AttentionMap& m : d.attention.maps) m.sentence = index.at(m.row);
  const hid_t src = f.source.id();
  d.sentences.text = h5::read_strings_at(h5::Dataset::open(src, schema::sentences::text), rows);
  d.sentences.source_index = h5::read_ints_at(h5::Dataset::open(src, schema::sentences::source_index), rows);
  for (std::int64_t v : h5::read_ints_at(h5::Dataset::open(src, schema::sentences::lang), rows)) {
    d.sentences.lang.push_back(std::int32_t(v));
  }
}

void read_header(const Files& f, const fs::path& extraction, ReportData& d) {
  const hid_t src = f.source.id();
  d.source = extraction.filename().string();
  namespace attr = schema::attr;
  d.model = h5::has_attr(src, attr::model) ? fs::path(h5::get_attr_string(src, attr::model)).filename().string() : "";
  if (d.model.empty() && h5::has_attr(src, attr::model)) {
    d.model = fs::path(h5::get_attr_string(src, attr::model)).parent_path().filename().string();
  }
  d.title = d.source + (d.model.empty() ? "" : " · " + d.model);
  d.languages = h5::read_strings(h5::Dataset::open(src, schema::languages));
  d.layers = h5::get_attr_int_vector(src, attr::layers);
}

Files open_files(const fs::path& extraction) {
  Files f;
  extract::require_hdf5_file(extraction);
  f.source = h5::File::open(extraction, false);
  extract::require_complete_extraction(f.source.id(), extraction);
  f.results = reduce::open_results(extraction);
  return f;
}

}  // namespace

std::string layer_label(std::int64_t layer) { return layer == 0 ? "embeddings" : "layer " + std::to_string(layer); }

std::string layer_file_tag(std::int64_t layer) { return std::string(layer < 10 ? "layer0" : "layer") + std::to_string(layer); }

reduce::LanguageRows cloud_language_rows(hid_t extraction_root, hid_t results_root, const std::string& cloud) {
  if (cloud != schema::cloud::types) return reduce::language_rows(extraction_root, cloud == schema::cloud::tokens);
  return reduce::language_rows(h5::read_all<std::int32_t>(h5::Dataset::open(results_root, schema::types::lang)));
}

std::vector<std::int64_t> subsample_positions(const std::vector<std::int64_t>& rows, const reduce::LanguageRows& langs,
                                              std::int64_t max_points, std::uint64_t seed) {
  std::vector<std::int64_t> offsets{0};  // per-language blocks of positions in rows
  for (std::size_t i = 1; i <= rows.size(); ++i) {
    if (i == rows.size() || language_of(langs, rows[i]) != language_of(langs, rows[i - 1])) {
      offsets.push_back(std::int64_t(i));
    }
  }
  return reduce::stratified_rows(offsets, max_points, seed);
}

ReportData load_report_data(const fs::path& extraction, const ReportDataOptions& options) {
  if (options.max_points < 1) throw UsageError("--max-points: expected a positive number");
  if (options.max_attention_maps < 0) throw UsageError("--max-attention-maps: expected 0 or a positive number");
  const Files f = open_files(extraction);
  ReportData d;
  try {
    read_header(f, extraction, d);
    for (const std::string name : {schema::cloud::sentences, schema::cloud::tokens, schema::cloud::types}) {
      if (!h5::exists(f.results.id(), schema::pca(name).projection())) continue;
      d.clouds.push_back(load_cloud(f, extraction, plan_cloud(f, name, options)));
    }
    d.attention = read_attention(f.source.id(), options.max_attention_maps);
    build_sentence_table(f, d);
  } catch (...) {
    rethrow_with_context("plot: reading " + extraction.string());
  }
  return d;
}

ReportData load_report_data(const fs::path& extraction, const std::vector<CloudRows>& clouds) {
  const Files f = open_files(extraction);
  ReportData d;
  try {
    read_header(f, extraction, d);
    for (const CloudRows& p : clouds) d.clouds.push_back(load_cloud(f, extraction, p));
    build_sentence_table(f, d);
  } catch (...) {
    rethrow_with_context("plot: reading " + extraction.string());
  }
  return d;
}

}  // namespace polyrep::plot
