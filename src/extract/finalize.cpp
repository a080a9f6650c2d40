#include "polyrep/extract/finalize.hpp"

#include <algorithm>

#include "polyrep/core/error.hpp"
#include "polyrep/corpus/corpus.hpp"
#include "polyrep/extract/sentence_source.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/link.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/schema/results.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"

namespace polyrep::extract {
namespace fs = std::filesystem;

namespace {

void write_sentence_texts(hid_t root, const FinalizeInput& input) {
  const auto total = static_cast<hsize_t>(input.sample->size() * input.corpus->languages().size());
  h5::Dataset ds = h5::Dataset::create(root, schema::sentences::text, h5::utf8_string(), {total});
  SentenceSource source(*input.corpus, *input.sample, 0);
  Sentence sentence;
  std::vector<std::string> chunk;
  hsize_t written = 0;
  while (source.next(sentence)) {
    chunk.push_back(std::move(sentence.text));
    if (static_cast<std::int64_t>(chunk.size()) == input.chunk) {
      h5::write_strings(ds, written, chunk);
      written += chunk.size();
      chunk.clear();
    }
  }
  if (!chunk.empty()) h5::write_strings(ds, written, chunk);
  written += chunk.size();
  if (written != total) {
    throw IoError("sentence texts: read " + std::to_string(written) + " of " + std::to_string(total) +
                  " sentences back from the corpus (did a corpus file change during the run?)");
  }
  ds.close();
}

// Token pieces are a function of the ids, so they are rebuilt here from /tokens/id in chunks
// instead of being carried through the collective phase.
void write_token_texts(hid_t root, const FinalizeInput& input) {
  h5::Dataset ids = h5::Dataset::open(root, schema::tokens::id);
  const hsize_t total = ids.dims().at(0);
  h5::Dataset ds = h5::Dataset::create(root, schema::tokens::text, h5::utf8_string(), {total});
  std::vector<std::int32_t> buffer;
  std::vector<std::string> pieces;
  for (hsize_t start = 0; start < total; start += static_cast<hsize_t>(input.chunk)) {
    const hsize_t n = std::min<hsize_t>(static_cast<hsize_t>(input.chunk), total - start);
    buffer.resize(n);
    ids.read(buffer.data(), h5::native<std::int32_t>(), {start}, {n});
    pieces.clear();
    for (std::int32_t id : buffer) pieces.push_back(input.tokenizer->id_to_piece(id));
    h5::write_strings(ds, start, pieces);
  }
  ds.close();
}

void write_attributes(hid_t root, const std::vector<Attribute>& attributes) {
  for (const Attribute& a : attributes) {
    std::visit([&](const auto& value) { h5::set_attr(root, a.name, value); }, a.value);
  }
}

void describe_hidden(hid_t root, const std::vector<Attribute>& attributes) {
  for (const Attribute& a : attributes) {
    if (a.name != schema::attr::layers) continue;
    const auto& layers = std::get<std::vector<std::int64_t>>(a.value);
    for (const std::string& name : h5::list(root, schema::hidden::sentences)) {
      h5::Dataset ds = h5::Dataset::open(root, schema::hidden::pooled(name));
      h5::set_attr(ds.id(), schema::attr::layers, layers);
    }
    h5::Dataset tokens = h5::Dataset::open(root, schema::hidden::tokens);
    h5::set_attr(tokens.id(), schema::attr::layers, layers);
  }
}

}  // namespace

fs::path partial_path(const fs::path& out) { return fs::path(out.string() + ".partial"); }

void complete_file(const fs::path& partial, const fs::path& final_path, const std::function<void(hid_t root)>& write) {
  try {
    h5::File file = h5::File::open(partial, true);
    const hid_t root = file.id();
    write(root);
    // Made now, while the file is still partial, so that reduce never has to open it for writing.
    h5::create_external_link(root, schema::results_group, reduce::results_path(final_path).filename().string(),
                             schema::results_group);
    // Last, so that a file with complete=1 is whole.
    h5::set_attr(root, schema::attr::complete, std::int64_t{1});
    file.close();
  } catch (...) {
    rethrow_with_context("finishing " + partial.string());
  }
  std::error_code ec;
  fs::rename(partial, final_path, ec);
  if (ec) {
    throw IoError("--out: cannot move '" + partial.string() + "' to '" + final_path.string() +
                  "': " + ec.message());
  }
}

void finalize_output(const fs::path& partial, const fs::path& final_path, const FinalizeInput& input) {
  complete_file(partial, final_path, [&](hid_t root) {
    h5::write_string_dataset(root, schema::languages, input.corpus->languages());
    write_sentence_texts(root, input);
    write_token_texts(root, input);
    write_attributes(root, input.attributes);
    describe_hidden(root, input.attributes);
  });
}

}  // namespace polyrep::extract
