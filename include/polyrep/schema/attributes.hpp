#pragma once
/// The names of the HDF5 attributes polyrep writes, in one place (README "File layout"). Root
/// attributes of an extraction file are the run's description, written by rank 0 once the data is
/// whole, `complete` last; a reduce results file (<name>.reduce.h5) carries `schema_version`,
/// `polyrep_version`, `source_file`, `source_run_id`, `reduce_fingerprint` and `complete`. `layers` is also set on every
/// /hidden dataset, `components` on each PCA projection. Readers identify files by these names
/// (extract/extraction_file.hpp), so renaming one is a schema change (schema/version.hpp).
namespace polyrep::schema::attr {

// Both files.
inline constexpr const char* schema_version = "schema_version";   // integer, schema/version.hpp
inline constexpr const char* polyrep_version = "polyrep_version";
inline constexpr const char* complete = "complete";               // = 1, written last

// The extraction file's root: the run.
inline constexpr const char* model = "model";
inline constexpr const char* model_type = "model_type";
inline constexpr const char* architecture = "architecture";
inline constexpr const char* num_layers = "num_layers";
inline constexpr const char* hidden_size = "hidden_size";
inline constexpr const char* tokenizer = "tokenizer";
inline constexpr const char* dtype = "dtype";
inline constexpr const char* layers = "layers";                   // also on each /hidden dataset
inline constexpr const char* pooling = "pooling";
inline constexpr const char* attention = "attention";             // --attention: "none" | "mean"
inline constexpr const char* attention_sentences = "attention_sentences";  // per language, 0 = all
inline constexpr const char* adapters = "adapters";               // JSON list: path, kind, weights hash
inline constexpr const char* corpus = "corpus";
inline constexpr const char* corpus_layout = "corpus_layout";
inline constexpr const char* split = "split";
inline constexpr const char* seed = "seed";
inline constexpr const char* sample_size = "sample_size";
inline constexpr const char* max_tokens = "max_tokens";
inline constexpr const char* device = "device";
inline constexpr const char* precision = "precision";             // the forward's arithmetic
inline constexpr const char* ranks = "ranks";
inline constexpr const char* threads_per_rank = "threads_per_rank";
inline constexpr const char* command_line = "command_line";
inline constexpr const char* created = "created";
inline constexpr const char* run_id = "run_id";                   // identifies the extraction
inline constexpr const char* input_fingerprint = "input_fingerprint";
inline constexpr const char* windows_from_earlier_runs = "windows_from_earlier_runs";

// The results file's root: which extraction it was made from.
inline constexpr const char* source_file = "source_file";
inline constexpr const char* source_run_id = "source_run_id";     // the extraction's run_id
// Hash of the reduce's options and extraction (reduce/reduce_progress.hpp): `reduce --resume`
// finds nothing to do when it equals its own.
inline constexpr const char* reduce_fingerprint = "reduce_fingerprint";

// On /reduce/pca/<cloud>/projection.
inline constexpr const char* components = "components";

}  // namespace polyrep::schema::attr
