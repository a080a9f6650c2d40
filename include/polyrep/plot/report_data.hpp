#pragma once
/// What `polyrep plot` shows, read from an extraction file and its reduction results: for each
/// cloud (sentences, tokens, token types) the same points in every view (PCA, t-SNE) and layer,
/// with each point's language, display text and sentence, plus the table of those sentences (with
/// their source index, which links translations). Token clouds show the rows t-SNE ran on, so
/// both panels show the same points; without t-SNE, or above `max_points`, rows are subsampled by
/// language as t-SNE does. PCA panels show the first two components. With attention maps in the
/// file (extract --attention mean), up to `max_attention_maps` of them (attention_data.hpp); their
/// sentences and those sentences' translations are in the sentence table too.
#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "polyrep/plot/attention_data.hpp"
#include "polyrep/reduce/language_rows.hpp"

namespace polyrep::plot {

using Layout = Eigen::Matrix<float, Eigen::Dynamic, 2, Eigen::RowMajor>;

struct ViewLayer {
  Layout xy;
  std::vector<double> explained_variance_ratio;               // PCA: per stored component
  double kl_divergence = std::numeric_limits<double>::quiet_NaN();  // t-SNE
};

struct View {
  std::string method;  // "pca" or "tsne"
  std::vector<ViewLayer> layers;
};

struct Cloud {
  std::string name, label;
  std::vector<std::int64_t> rows;         // rows of the cloud in its source datasets
  std::vector<std::int32_t> lang;         // index into ReportData::languages
  std::vector<std::string> text;          // token or sentence text
  std::vector<std::int32_t> sentence;     // index into ReportData::sentences (-1 for types)
  std::vector<std::int64_t> occurrences;  // types only
  /// Points to join with a line, in order (empty: none): in a `polyrep embeddings` positions file,
  /// the token cloud's consecutive positions.
  std::vector<std::int32_t> path;
  std::vector<View> views;
};

struct SentenceTable {
  std::vector<std::int32_t> lang;
  std::vector<std::int64_t> source_index;
  std::vector<std::string> text;
};

struct ReportData {
  std::string title, model, source;
  std::vector<std::string> languages;
  std::vector<std::int64_t> layers;  // model layer number per slot (0 = embeddings)
  SentenceTable sentences;
  std::vector<Cloud> clouds;
  AttentionData attention;  // present() only when the file has /attention
};

struct ReportDataOptions {
  std::int64_t max_points = 200000;  // per cloud
  std::uint64_t seed = 0;            // subsampling when t-SNE did not choose the rows
  std::int64_t max_attention_maps = 200;  // whole translation groups, spread evenly; 0: none
};

/// "embeddings" for layer 0, else "layer N": how every output of plot names a layer.
std::string layer_label(std::int64_t layer);
/// "layerNN" (two digits at least), for file names that sort in layer order.
std::string layer_file_tag(std::int64_t layer);

/// Reads everything the report needs. InputError (naming the file) when the file is not a complete
/// extraction, or has no reduction results (run polyrep reduce first), or they are stale.
ReportData load_report_data(const std::filesystem::path& extraction, const ReportDataOptions& options);

/// The rows of one cloud that a report shows, chosen by the caller: a compare report
/// (compare_data.hpp) shows the same rows of two files. With `tsne`, the file's t-SNE of the cloud
/// must hold every row.
struct CloudRows {
  std::string name;                // "sentences", "tokens" or "types"
  std::vector<std::int64_t> rows;  // rows of the cloud, in the order shown
  bool tsne = false;               // show the t-SNE view (else PCA only)
};

/// The report of exactly these clouds and rows of `extraction`, without attention maps. InputError
/// (naming the file) as above, or when a cloud is missing or a row has no t-SNE layout.
ReportData load_report_data(const std::filesystem::path& extraction, const std::vector<CloudRows>& clouds);

/// The languages of a cloud's rows (per-language blocks): of /sentences and /tokens from the
/// extraction file, of the token types from the results.
reduce::LanguageRows cloud_language_rows(hid_t extraction_root, hid_t results_root, const std::string& cloud);

/// At most `max_points` of `rows` (ascending cloud rows), stratified by language as reduce
/// subsamples t-SNE's rows (the same rows for the same seed); their positions in `rows`.
std::vector<std::int64_t> subsample_positions(const std::vector<std::int64_t>& rows, const reduce::LanguageRows& langs,
                                              std::int64_t max_points, std::uint64_t seed);

}  // namespace polyrep::plot
