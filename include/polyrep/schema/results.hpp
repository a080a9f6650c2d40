#pragma once
/// The reduce results' hierarchy (README "File layout"): `polyrep reduce` writes the group /reduce
/// of `<name>.reduce.h5`, which the extraction file reaches through its external link /reduce, so
/// these paths are the same in both files. A *cloud* is a set of rows reduce projects: the tokens,
/// the mean-pooled sentences, or the token types (one row per distinct token of a language,
/// averaged in the tokens' PCA space). Path builders return absolute paths; navigation is by
/// member, `schema::pca(cloud).projection()`.
#include <array>
#include <string>
#include <string_view>

namespace polyrep::schema {

/// The results group in the results file, and the name of the link to it in the extraction file.
inline constexpr const char* results_group = "/reduce";

/// Cloud names, the last component of /reduce/pca/<cloud> and /reduce/tsne/<cloud>.
namespace cloud {
inline constexpr const char* tokens = "tokens";
inline constexpr const char* sentences = "sentences";
inline constexpr const char* types = "types";
}  // namespace cloud
/// Every cloud, in the order reduce's t-SNE and plot go through them.
inline constexpr std::array<const char*, 3> clouds{cloud::tokens, cloud::sentences, cloud::types};

/// /reduce/pca/<cloud>: one PCA model per stored layer and the rows projected on it.
struct PcaPaths {
  std::string group;
  std::string projection() const;                // (n_kept, rows, K) float32, attribute `components`
  std::string components() const;                // (n_kept, K, H) float32
  std::string mean() const;                      // (n_kept, H) float64
  std::string explained_variance() const;        // (n_kept, K) float64
  std::string explained_variance_ratio() const;  // (n_kept, K) float64
};
PcaPaths pca(std::string_view cloud);

/// /reduce/tsne/<cloud>: a 2-D t-SNE of a per-language subsample of the cloud's PCA rows.
struct TsnePaths {
  std::string group;
  std::string rows() const;           // (M,) int64, the cloud rows used
  std::string embedding() const;      // (n_kept, M, 2) float32
  std::string kl_divergence() const;  // (n_kept,) float64
};
TsnePaths tsne(std::string_view cloud);

/// /reduce/types: the token types (--average-token-duplicates), sorted by language, then id.
namespace types {
inline constexpr const char* group = "/reduce/types";
inline constexpr const char* lang = "/reduce/types/lang";            // (n_types,) int32
inline constexpr const char* token_id = "/reduce/types/token_id";    // (n_types,) int32
inline constexpr const char* count = "/reduce/types/count";          // (n_types,) int64, occurrences
inline constexpr const char* first_row = "/reduce/types/first_row";  // (n_types,) int64, into /tokens
}  // namespace types

}  // namespace polyrep::schema
