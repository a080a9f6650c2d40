#include "polyrep/embeddings/embeddings_file.hpp"

#include <ATen/ATen.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/core/version.hpp"
#include "polyrep/embeddings/vocabulary_rows.hpp"
#include "polyrep/extract/finalize.hpp"
#include "polyrep/extract/output_file.hpp"
#include "polyrep/extract/setup.hpp"
#include "polyrep/extract/window_runner.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/model/adapter_record.hpp"
#include "polyrep/model/config.hpp"
#include "polyrep/model/encoder.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"
#include "polyrep/tokenizer/unicode_script.hpp"

namespace polyrep::embeddings {
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kPositionRun = 64;  // positions per colour group

// One table as the rows of an extraction file: row r is sentence r, which is token r.
struct Table {
  const char* name;                  // "vocabulary" | "positions"
  RowGroups groups;
  at::Tensor states;                 // [rows, H] float32
  std::vector<std::int32_t> ids;     // /tokens/id
  std::vector<std::uint8_t> special;
  std::vector<std::string> text;     // /tokens/text and /sentences/text
};

Table vocabulary_table(const EmbeddingsOptions& o, const model::EmbeddingTables& t, const tokenizer::Tokenizer& tok) {
  const std::int64_t rows = t.word.size(0);
  std::vector<std::string> piece(static_cast<std::size_t>(rows)), script(piece.size());
  std::vector<bool> special(piece.size(), false);
  for (std::int64_t id = 0; id < rows; ++id) {
    const auto i = static_cast<std::size_t>(id);
    if (id < tok.vocab_size()) {  // rows past the tokenizer's vocabulary are never looked up
      piece[i] = tok.id_to_piece(static_cast<std::int32_t>(id));
      special[i] = tok.is_special(static_cast<std::int32_t>(id));
      script[i] = tokenizer::piece_script(piece[i]);
    } else {
      script[i] = "unused";
    }
  }
  const std::vector<std::string> filter = o.vocab_filter.empty() ? std::vector<std::string>{} : parse_vocab_filter(o.vocab_filter);
  Table table{"vocabulary", choose_vocabulary(script, special, filter, o.vocab_sample, o.seed), {}, {}, {}, {}};
  for (std::int64_t id : table.groups.rows) {
    table.ids.push_back(static_cast<std::int32_t>(id));
    table.special.push_back(special[static_cast<std::size_t>(id)] ? 1 : 0);
    table.text.push_back(piece[static_cast<std::size_t>(id)]);
  }
  table.states = t.word.index_select(0, at::tensor(table.groups.rows, at::kLong));
  return table;
}

Table position_table(const model::EmbeddingTables& t) {
  const std::int64_t positions = t.position.size(0), types = t.token_type.defined() ? t.token_type.size(0) : 0;
  Table table{"positions", position_rows(positions, kPositionRun, types), {}, {}, {}, {}};
  for (std::int64_t p = 0; p < positions; ++p) {
    table.ids.push_back(static_cast<std::int32_t>(p));
    table.text.push_back("position " + std::to_string(p));
  }
  for (std::int64_t k = 0; k < types; ++k) {
    table.ids.push_back(static_cast<std::int32_t>(k));
    table.text.push_back("token type " + std::to_string(k));
  }
  table.special.assign(table.ids.size(), 0);
  table.states = types > 0 ? at::cat({t.position, t.token_type}, 0) : t.position;
  return table;
}

// The collective half of the extraction writer, on one process: datasets at their final size,
// then the one window of every row.
void write_rows(const fs::path& partial, const Table& table, bool float16, const mpi::Comm& self) {
  const auto n = static_cast<std::int64_t>(table.ids.size());
  extract::OutputLayout layout{n, n, table.states.size(1), {0}, {}, float16};
  extract::SentenceTable sentences;
  sentences.language = table.groups.group;
  sentences.source_index = table.groups.rows;
  for (std::int64_t r = 0; r <= n; ++r) sentences.token_offset.push_back(r);
  sentences.truncated.assign(static_cast<std::size_t>(n), 0);
  extract::create_output(partial, self, layout, &sentences);
  extract::WindowOutput states;
  states.tokens = table.states.to(float16 ? at::kHalf : at::kFloat).unsqueeze(0).contiguous();
  extract::WindowRows rows;
  rows.ids = table.ids;
  rows.special = table.special;
  for (std::int64_t r = 0; r < n; ++r) rows.sentence.push_back(static_cast<std::int32_t>(r));
  rows.position.assign(static_cast<std::size_t>(n), 0);
  rows.states = &states;
  extract::ParallelOutput out(partial, self, layout);
  out.write_window(&rows);
  out.close();
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return created;
}

void set_attributes(hid_t root, const EmbeddingsOptions& o, const Table& table, const model::ModelConfig& c,
                    const model::EmbeddingTables& t, const std::string& tokenizer_kind, const std::string& adapters) {
  namespace attr = schema::attr;
  std::random_device entropy;
  char run_id[32];
  std::snprintf(run_id, sizeof run_id, "%08x%08x", entropy(), entropy());
  h5::set_attr(root, attr::polyrep_version, std::string(kVersion));
  h5::set_attr(root, attr::model, o.model_dir.string());
  h5::set_attr(root, attr::model_type, c.model_type);
  h5::set_attr(root, attr::architecture, c.architecture);
  h5::set_attr(root, attr::num_layers, std::int64_t{c.num_layers});
  h5::set_attr(root, attr::hidden_size, std::int64_t{c.hidden_size});
  h5::set_attr(root, attr::tokenizer, tokenizer_kind);
  h5::set_attr(root, attr::dtype, extract::to_string(o.dtype));
  h5::set_attr(root, attr::layers, std::vector<std::int64_t>{0});
  h5::set_attr(root, attr::pooling, std::string());
  h5::set_attr(root, attr::adapters, adapters);
  h5::set_attr(root, "embedding_table", std::string(table.name));
  // Rows 0..position_rows-1 are consecutive positions: plot joins them with a line.
  if (std::string(table.name) == "positions") h5::set_attr(root, "position_rows", t.position.size(0));
  h5::set_attr(root, "word_embedding_scale", t.word_scale);
  h5::set_attr(root, "position_embedding", std::string(t.position_learned ? "learned" : "sinusoidal"));
  h5::set_attr(root, "vocab_filter", o.vocab_filter);
  h5::set_attr(root, attr::sample_size, o.vocab_sample > 0 ? o.vocab_sample : std::int64_t{-1});
  h5::set_attr(root, attr::seed, static_cast<std::int64_t>(o.seed));
  h5::set_attr(root, attr::command_line, o.command_line);
  h5::set_attr(root, attr::created, utc_now());
  h5::set_attr(root, attr::run_id, std::string(run_id));
}

// The serial half, as extract's finalize (extract::complete_file): strings and attributes, then
// the /reduce link, complete = 1 and the rename.
void write_table(const fs::path& path, const Table& table, const EmbeddingsOptions& o, const model::ModelConfig& c,
                 const model::EmbeddingTables& t, const std::string& tokenizer_kind, const std::string& adapters) {
  const fs::path partial = extract::partial_path(path);
  write_rows(partial, table, o.dtype == extract::StorageType::float16, mpi::Comm::self());
  extract::complete_file(partial, path, [&](hid_t root) {
    h5::write_string_dataset(root, schema::languages, table.groups.groups).close();
    h5::write_string_dataset(root, schema::sentences::text, table.text).close();
    h5::write_string_dataset(root, schema::tokens::text, table.text).close();
    set_attributes(root, o, table, c, t, tokenizer_kind, adapters);
    h5::Dataset tokens = h5::Dataset::open(root, schema::hidden::tokens);
    h5::set_attr(tokens.id(), schema::attr::layers, std::vector<std::int64_t>{0});
    tokens.close();
  });
}

}  // namespace

fs::path default_positions_path(const fs::path& out) {
  fs::path p = out;
  if (p.extension() == ".h5") p.replace_extension();
  return fs::path(p.string() + ".positions.h5");
}

EmbeddingsSummary run_embeddings(const EmbeddingsOptions& options, const mpi::Comm& comm) {
  const auto start = std::chrono::steady_clock::now();
  EmbeddingsSummary summary;
  summary.vocabulary = options.out;
  summary.positions = options.positions_out.empty() ? default_positions_path(options.out) : options.positions_out;
  mpi::on_root(comm, [&] {
    if (options.vocab_sample < 0) throw UsageError("--vocab-sample must not be negative");
    if (!options.vocab_filter.empty()) parse_vocab_filter(options.vocab_filter);
    if (summary.vocabulary == summary.positions) throw UsageError("--positions-out must differ from --out");
    extract::check_output_path(summary.vocabulary, options.overwrite);
    extract::check_output_path(summary.positions, options.overwrite);
    const model::ModelConfig config = model::load_config(options.model_dir / "config.json");
    const auto tok = tokenizer::load_tokenizer(options.model_dir, {config.model_type});
    model::EncoderOptions encoder_options;
    encoder_options.device = model::DeviceRequest::cpu;
    encoder_options.adapters = options.adapters;
    const auto encoder = model::load_encoder(options.model_dir, encoder_options);
    const std::string adapters = model::adapters_record(options.adapters);
    const model::EmbeddingTables tables = encoder->embedding_tables();
    const Table vocabulary = vocabulary_table(options, tables, *tok);
    write_table(summary.vocabulary, vocabulary, options, config, tables, tok->kind(), adapters);
    const Table positions = position_table(tables);
    write_table(summary.positions, positions, options, config, tables, tok->kind(), adapters);
    summary.vocabulary_rows = static_cast<std::int64_t>(vocabulary.ids.size());
    summary.position_rows = static_cast<std::int64_t>(positions.ids.size());
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log::info("embeddings: wrote " + summary.vocabulary.string() + " (" + std::to_string(summary.vocabulary_rows) +
              " vocabulary rows in " + std::to_string(vocabulary.groups.groups.size()) + " script groups) and " +
              summary.positions.string() + " (" + std::to_string(summary.position_rows) + " rows) in " +
              std::to_string(summary.seconds).substr(0, 5) + " s");
  });
  return summary;
}

}  // namespace polyrep::embeddings
