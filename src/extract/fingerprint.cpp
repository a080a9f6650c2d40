#include "polyrep/extract/fingerprint.hpp"

#include <algorithm>
#include <set>

#include "polyrep/core/error.hpp"
#include "polyrep/core/hash.hpp"
#include "polyrep/core/version.hpp"
#include "polyrep/extract/setup.hpp"

namespace polyrep::extract {
namespace fs = std::filesystem;

namespace {

// The files a model directory is read from: configuration, weights, tokenizer. Other files (a
// README, pickled weights we never read) may come and go without making it another run.
bool model_file(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".json" || ext == ".txt" || ext == ".model" || ext == ".safetensors";
}

void add_model_files(Fingerprint& fp, const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && model_file(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) fp.add("file model/" + f.filename().string(), hex64(hash_file(f)));
}

void add_corpus_files(Fingerprint& fp, const corpus::Corpus& corpus) {
  std::set<fs::path> seen;
  for (std::size_t l = 0; l < corpus.size(); ++l) {
    const fs::path source = corpus.source(l);
    if (seen.insert(source).second) fp.add("file corpus/" + source.filename().string(), hex64(hash_file(source)));
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::int64_t number(const Fingerprint& fp, const std::string& name) {
  for (const auto& [key, value] : fp.entries) {
    if (key == name) return std::stoll(value);
  }
  throw InputError("resume record: no '" + name + "' entry");
}

}  // namespace

Fingerprint run_fingerprint(const ExtractOptions& options, const Setup& setup, const PlanOptions& sizes) {
  Fingerprint fp;
  fp.add("polyrep version", kVersion);
  add_model_files(fp, options.model_dir);
  add_corpus_files(fp, *setup.corpus);
  fp.add("--langs", join(setup.corpus->languages()));
  fp.add("--split", options.corpus.split);
  fp.add("--tsv-column", std::to_string(options.corpus.tsv_column));
  fp.add("--sample", options.sample ? std::to_string(*options.sample) : "all");
  fp.add("--seed", std::to_string(options.seed));
  std::vector<std::string> layers, poolings;
  for (int l : setup.layers) layers.push_back(std::to_string(l));
  for (Pooling p : setup.poolings) poolings.push_back(pooling_name(p));
  fp.add("--layers", join(layers));
  fp.add("--pooling", join(poolings));
  fp.add("--dtype", to_string(options.dtype));
  fp.add("--precision", model::to_string(options.precision));
  fp.add("--adapter", setup.adapters);
  fp.add("--attention", to_string(options.attention));
  fp.add("--attention-sentences", std::to_string(options.attention_sentences));
  fp.add("--max-tokens", std::to_string(setup.max_tokens));
  fp.add("--batch-tokens", std::to_string(sizes.batch_tokens));
  fp.add("--window-sentences", std::to_string(sizes.window_sentences));
  fp.add("--window-tokens", std::to_string(sizes.window_tokens));
  return fp;
}

Fingerprint run_context(const Setup& setup) {
  Fingerprint fp;
  fp.add("device", model::to_string(setup.encoder->device()));
  fp.add("threads per rank", std::to_string(setup.threads));
  return fp;
}

PlanOptions recorded_plan_options(const Fingerprint& fingerprint) {
  PlanOptions sizes;
  sizes.batch_tokens = number(fingerprint, "--batch-tokens");
  sizes.window_sentences = number(fingerprint, "--window-sentences");
  sizes.window_tokens = number(fingerprint, "--window-tokens");
  return sizes;
}

}  // namespace polyrep::extract
