#pragma once
// Hand-made extraction files for the compare tests: the tables `plot --compare` reads, and their
// reduction results (PCA of the sentences, optionally their t-SNE) in <name>.reduce.h5. Two
// languages of three sentences (source indices 4, 7, 9 in each), two tokens a sentence, layers 0
// and 1, hidden size 3.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"

namespace polyrep::plot::test {

namespace fs = std::filesystem;

struct SmallExtraction {
  static constexpr hsize_t kSentences = 6, kHidden = 3, kLayers = 2, kComponents = 2;
  std::vector<std::string> languages{"eng_Latn", "fra_Latn"};
  std::vector<std::int32_t> lang{0, 0, 0, 1, 1, 1};
  std::vector<std::int64_t> source{4, 7, 9, 4, 7, 9};
  std::vector<std::string> text{"one", "two", "three", "un", "deux", "trois"};
  std::vector<std::int64_t> token_offset{0, 2, 4, 6, 8, 10, 12};
  std::vector<std::int32_t> token_id{2, 11, 2, 12, 2, 13, 2, 21, 2, 22, 2, 23};
  std::vector<std::int64_t> layers{0, 1};
  std::vector<float> hidden;      // layers x sentences x hidden: /hidden/sentences/mean
  std::vector<float> projection;  // layers x sentences x components: /reduce/pca/sentences/projection
  std::vector<std::int64_t> tsne_rows;  // empty: no t-SNE
  std::vector<float> embedding;         // layers x tsne_rows x 2
  std::string model = "/models/tiny-bert", adapters = "[]";
  bool complete = true, reduced = true, mean = true;  // mean: write /hidden/sentences/mean

  // Values that differ from point to point, layer to layer and with `salt`.
  explicit SmallExtraction(float salt = 0) {
    for (hsize_t i = 0; i < kLayers * kSentences * kHidden; ++i) hidden.push_back(float((i * 7 + 3) % 11) + 0.25f * float(i % 4) + salt);
    for (hsize_t i = 0; i < kLayers * kSentences * kComponents; ++i) projection.push_back(float((i * 5) % 13) - 6 + salt);
  }
  void with_tsne(const std::vector<std::int64_t>& rows, float salt = 0) {
    tsne_rows = rows;
    embedding.clear();
    for (std::size_t i = 0; i < kLayers * rows.size() * 2; ++i) embedding.push_back(float(i) * 1.5f + salt);
  }
};

inline void write_floats(hid_t loc, const std::string& path, const std::vector<float>& v, const std::vector<hsize_t>& dims) {
  h5::Dataset ds = h5::Dataset::create(loc, path, h5::float32(), dims);
  ds.write(v.data(), h5::native<float>(), std::vector<hsize_t>(dims.size(), 0), dims, false);
}

inline void write_results(const fs::path& extraction, const SmallExtraction& x) {
  fs::path results = extraction;
  results.replace_extension(".reduce.h5");
  h5::File f = h5::File::create(results, true);
  const hid_t r = f.id();
  const hsize_t L = x.kLayers, n = x.kSentences, K = x.kComponents;
  write_floats(r, "/reduce/pca/sentences/projection", x.projection, {L, n, K});
  h5::Dataset ratio = h5::Dataset::create(r, "/reduce/pca/sentences/explained_variance_ratio", h5::float64(), {L, K});
  const std::vector<double> ev{0.5, 0.25, 0.4, 0.3};
  ratio.write(ev.data(), h5::native<double>(), {0, 0}, {L, K}, false);
  if (!x.tsne_rows.empty()) {
    h5::write_vector(r, "/reduce/tsne/sentences/rows", h5::int64(), x.tsne_rows);
    write_floats(r, "/reduce/tsne/sentences/embedding", x.embedding, {L, hsize_t(x.tsne_rows.size()), 2});
    h5::write_vector(r, "/reduce/tsne/sentences/kl_divergence", h5::float64(), std::vector<double>{1.5, 1.25});
  }
  h5::set_attr(r, "schema_version", std::int64_t(1));
  h5::set_attr(r, "source_run_id", extraction.stem().string());
  h5::set_attr(r, "complete", std::int64_t(1));
}

inline fs::path write_extraction(const fs::path& path, const SmallExtraction& x) {
  {
    h5::File f = h5::File::create(path, true);
    const hid_t r = f.id();
    h5::write_string_dataset(r, "/languages", x.languages);
    h5::write_string_dataset(r, "/sentences/text", x.text);
    h5::write_vector(r, "/sentences/lang", h5::int32(), x.lang);
    h5::write_vector(r, "/sentences/source_index", h5::int64(), x.source);
    h5::write_vector(r, "/sentences/token_offset", h5::int64(), x.token_offset);
    h5::write_vector(r, "/tokens/id", h5::int32(), x.token_id);
    std::vector<std::int32_t> stored(x.layers.begin(), x.layers.end());
    h5::write_vector(r, "/hidden/layers", h5::int32(), stored);
    if (x.mean) write_floats(r, "/hidden/sentences/mean", x.hidden, {x.kLayers, x.kSentences, x.kHidden});
    else write_floats(r, "/hidden/sentences/cls", x.hidden, {x.kLayers, x.kSentences, x.kHidden});
    h5::set_attr(r, "schema_version", std::int64_t(1));
    h5::set_attr(r, "polyrep_version", "test");
    h5::set_attr(r, "model", x.model);
    h5::set_attr(r, "adapters", x.adapters);
    h5::set_attr(r, "layers", x.layers);
    h5::set_attr(r, "run_id", path.stem().string());
    if (x.complete) h5::set_attr(r, "complete", std::int64_t(1));
  }
  fs::path results = path;
  fs::remove(results.replace_extension(".reduce.h5"));  // of an earlier call
  if (x.reduced) write_results(path, x);
  return path;
}

}  // namespace polyrep::plot::test
