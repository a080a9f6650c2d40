#include "polyrep/extract/output_file.hpp"

#include <ATen/ATen.h>

#include "polyrep/core/error.hpp"
#include "polyrep/extract/window_runner.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/schema/version.hpp"

namespace polyrep::extract {

using h5::Dataset;

struct ParallelOutput::Impl {
  OutputLayout layout;
  h5::File file;
  h5::Datatype hidden_type;
  Dataset token_id, token_sentence, token_position, token_special;
  Dataset hidden_tokens;
  std::vector<Dataset> pooled;
  Dataset attention_mean;               // open only with --attention
  bool collective = true;
  std::int64_t bytes = 0;

  void note(const Dataset& ds) { collective = collective && ds.last_no_collective_cause() == 0; }

  template <typename T>
  void write_1d(Dataset& ds, const std::vector<T>* values, std::int64_t start) {
    const hsize_t n = values ? values->size() : 0;
    ds.write(values ? values->data() : nullptr, ds.type(), {values ? static_cast<hsize_t>(start) : 0}, {n},
             true);
    note(ds);
  }

  void write_3d(Dataset& ds, const at::Tensor* values, std::int64_t start) {
    std::vector<hsize_t> offset{0, 0, 0};
    std::vector<hsize_t> count{0, 0, 0};
    if (values != nullptr) {
      if (!values->is_contiguous()) throw Error("output: hidden-state buffer is not contiguous");
      offset[1] = static_cast<hsize_t>(start);
      for (int d = 0; d < 3; ++d) count[static_cast<std::size_t>(d)] = static_cast<hsize_t>(values->size(d));
      bytes += static_cast<std::int64_t>(values->nbytes());
    }
    ds.write(values ? values->data_ptr() : nullptr, hidden_type, offset, count, true);
    note(ds);
  }

  // [layers, columns] maps at column `start` of /attention/mean.
  void write_maps(const at::Tensor* values, std::int64_t start) {
    std::vector<hsize_t> offset{0, 0}, count{0, 0};
    if (values != nullptr) {
      if (!values->is_contiguous()) throw Error("output: attention buffer is not contiguous");
      offset[1] = static_cast<hsize_t>(start);
      count = {static_cast<hsize_t>(values->size(0)), static_cast<hsize_t>(values->size(1))};
      bytes += static_cast<std::int64_t>(values->nbytes());
    }
    attention_mean.write(values ? values->data_ptr() : nullptr, hidden_type, offset, count, true);
    note(attention_mean);
  }
};

namespace {

// The datasets the collective phase writes, with their file types and shapes: the one list that
// creation, opening and the raw extents of the resume record all follow.
struct DatasetSpec {
  std::string path;
  h5::Datatype (*type)();
  std::vector<hsize_t> dims;
};

std::vector<DatasetSpec> dataset_specs(const OutputLayout& l) {
  const auto n_sent = static_cast<hsize_t>(l.sentences);
  const auto n_tok = static_cast<hsize_t>(l.tokens);
  const auto n_layer = static_cast<hsize_t>(l.layers.size());
  const auto hidden = static_cast<hsize_t>(l.hidden);
  h5::Datatype (*hidden_type)() = l.float16 ? &h5::float16 : &h5::float32;
  namespace sentences = schema::sentences;
  namespace tokens = schema::tokens;
  std::vector<DatasetSpec> specs{{sentences::lang, &h5::int32, {n_sent}},
                                 {sentences::source_index, &h5::int64, {n_sent}},
                                 {sentences::token_offset, &h5::int64, {n_sent + 1}},
                                 {sentences::truncated, &h5::uint8, {n_sent}},
                                 {tokens::id, &h5::int32, {n_tok}},
                                 {tokens::sentence, &h5::int32, {n_tok}},
                                 {tokens::position, &h5::int32, {n_tok}},
                                 {tokens::special, &h5::uint8, {n_tok}},
                                 {schema::hidden::tokens, hidden_type, {n_layer, n_tok, hidden}}};
  for (Pooling p : l.poolings) specs.push_back({schema::hidden::pooled(pooling_name(p)), hidden_type, {n_layer, n_sent, hidden}});
  if (l.attention_layers > 0) {
    const auto maps = static_cast<hsize_t>(l.attention_maps);
    specs.push_back({schema::attention::sentence, &h5::int64, {maps}});
    specs.push_back({schema::attention::offset, &h5::int64, {maps + 1}});
    specs.push_back({schema::attention::mean, hidden_type,
                     {static_cast<hsize_t>(l.attention_layers), static_cast<hsize_t>(l.attention_elements)}});
  }
  return specs;
}

}  // namespace

void create_output(const std::filesystem::path& path, const mpi::Comm& comm, const OutputLayout& layout,
                   const SentenceTable* table) {
  h5::File file = h5::File::create_parallel(path, comm, false);
  const hid_t root = file.id();
  h5::create_group(root, schema::sentences::group);
  h5::create_group(root, schema::tokens::group);
  h5::create_group(root, schema::hidden::sentences);
  if (layout.attention_layers > 0) h5::create_group(root, schema::attention::group);
  std::vector<Dataset> datasets;
  for (const DatasetSpec& spec : dataset_specs(layout)) datasets.push_back(Dataset::create(root, spec.path, spec.type(), spec.dims));
  std::vector<std::int32_t> layers(layout.layers.begin(), layout.layers.end());
  h5::Dataset layer_ds = h5::write_vector(root, schema::hidden::layers, h5::int32(), layers);
  const auto write = [&](Dataset& ds, const auto* values) {
    const hsize_t n = values ? values->size() : 0;
    ds.write(values ? values->data() : nullptr, ds.type(), {0}, {n}, true);
  };
  write(datasets[0], table ? &table->language : nullptr);
  write(datasets[1], table ? &table->source_index : nullptr);
  write(datasets[2], table ? &table->token_offset : nullptr);
  write(datasets[3], table ? &table->truncated : nullptr);
  if (layout.attention_layers > 0) {  // after the pooled datasets: sentence, offset, mean
    const std::size_t first = datasets.size() - 3;
    write(datasets[first], table ? &table->attention.sentence : nullptr);
    write(datasets[first + 1], table ? &table->attention.offset : nullptr);
  }
  for (Dataset& ds : datasets) ds.close();
  layer_ds.close();
  // At creation, so that a partial file says which layout it has too (after the datasets, whose
  // placement it leaves as it was).
  schema::write_schema_version(root);
  file.close();
}

std::vector<ByteRange> raw_extents(const std::filesystem::path& path) {
  h5::File file = h5::File::open(path, false);
  std::vector<ByteRange> out;
  std::vector<std::string> names{schema::hidden::layers};
  for (const char* group : {schema::sentences::group, schema::tokens::group, schema::hidden::sentences,
                             schema::attention::group}) {
    if (!h5::exists(file.id(), group)) continue;  // /attention only with --attention
    for (const std::string& name : h5::list(file.id(), group)) names.push_back(std::string(group) + "/" + name);
  }
  names.push_back(schema::hidden::tokens);
  for (const std::string& name : names) {
    Dataset ds = Dataset::open(file.id(), name);
    const auto [offset, bytes] = ds.storage_extent();
    if (bytes > 0) out.push_back({offset, bytes});
    ds.close();
  }
  file.close();
  return out;
}

ParallelOutput::ParallelOutput(const std::filesystem::path& path, const mpi::Comm& comm, OutputLayout layout)
    : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.layout = std::move(layout);
  d.file = h5::File::open_parallel(path, comm, true);
  d.hidden_type = d.layout.float16 ? h5::float16() : h5::float32();
  const hid_t root = d.file.id();
  d.token_id = Dataset::open(root, schema::tokens::id);
  d.token_sentence = Dataset::open(root, schema::tokens::sentence);
  d.token_position = Dataset::open(root, schema::tokens::position);
  d.token_special = Dataset::open(root, schema::tokens::special);
  d.hidden_tokens = Dataset::open(root, schema::hidden::tokens);
  for (Pooling p : d.layout.poolings) d.pooled.push_back(Dataset::open(root, schema::hidden::pooled(pooling_name(p))));
  if (d.layout.attention_layers > 0) d.attention_mean = Dataset::open(root, schema::attention::mean);
}

ParallelOutput::~ParallelOutput() = default;
ParallelOutput::ParallelOutput(ParallelOutput&&) noexcept = default;
ParallelOutput& ParallelOutput::operator=(ParallelOutput&&) noexcept = default;

void ParallelOutput::write_window(const WindowRows* rows) {
  Impl& d = *impl_;
  const std::int64_t tok = rows ? rows->first_token : 0;
  const std::int64_t sent = rows ? rows->first_sentence : 0;
  d.write_1d(d.token_id, rows ? &rows->ids : nullptr, tok);
  d.write_1d(d.token_sentence, rows ? &rows->sentence : nullptr, tok);
  d.write_1d(d.token_position, rows ? &rows->position : nullptr, tok);
  d.write_1d(d.token_special, rows ? &rows->special : nullptr, tok);
  const WindowOutput* states = rows ? rows->states : nullptr;
  d.write_3d(d.hidden_tokens, states ? &states->tokens : nullptr, tok);
  for (std::size_t p = 0; p < d.pooled.size(); ++p) {
    d.write_3d(d.pooled[p], states ? &states->pooled.at(p) : nullptr, sent);
  }
  if (d.layout.attention_layers > 0) {
    const bool maps = states != nullptr && states->attention.defined() && states->attention.size(1) > 0;
    d.write_maps(maps ? &states->attention : nullptr, rows ? rows->first_map_element : 0);
  }
}

void ParallelOutput::close() {
  Impl& d = *impl_;
  for (Dataset* ds : {&d.token_id, &d.token_sentence, &d.token_position, &d.token_special, &d.hidden_tokens}) {
    ds->close();
  }
  for (Dataset& ds : d.pooled) ds.close();
  if (d.layout.attention_layers > 0) d.attention_mean.close();
  d.file.close();
}

void ParallelOutput::flush() { impl_->file.flush(); }

bool ParallelOutput::all_writes_collective() const { return impl_->collective; }
std::int64_t ParallelOutput::bytes_written() const { return impl_->bytes; }

}  // namespace polyrep::extract
