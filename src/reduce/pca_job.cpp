#include "polyrep/reduce/pca_job.hpp"

#include <algorithm>
#include <vector>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/extract/plan.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/moments.hpp"
#include "polyrep/reduce/pca.hpp"
#include "polyrep/reduce/reduce_progress.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/schema/results.hpp"

namespace polyrep::reduce {
namespace {

struct Source {
  h5::Dataset data;             // [layers, rows, hidden]
  std::int64_t layers = 0, rows = 0, hidden = 0;
  std::int64_t begin = 0, end = 0;   // this rank's rows
};

struct Target {
  h5::Dataset projection, components, mean, variance, ratio;
};

// Reads rows [start, start+n) of one layer as float (float16 files are converted on read; reads
// are independent, so no rank waits for another here).
RowMatrixXf read_rows(const Source& s, std::int64_t layer, std::int64_t start, std::int64_t n) {
  RowMatrixXf rows(n, s.hidden);
  if (n > 0) {
    s.data.read(rows.data(), h5::float32(), {hsize_t(layer), hsize_t(start), 0},
                {1, hsize_t(n), hsize_t(s.hidden)});
  }
  return rows;
}

std::int64_t components_of(const Source& s, const PcaJobOptions& o) {
  return std::min<std::int64_t>({o.components, s.hidden, s.rows});
}

// The clouds that get a PCA, and where their states are in the extraction file.
std::vector<std::pair<std::string, std::string>> source_clouds() {
  return {{schema::cloud::tokens, schema::hidden::tokens}, {schema::cloud::sentences, schema::hidden::pooled("mean")}};
}

// Every dataset at its final size before any is written (reduce_progress.hpp): the component
// count goes on the projection now, not after the layers.
void create_target(hid_t root, const schema::PcaPaths& at, const Source& s, std::int64_t k) {
  const auto L = hsize_t(s.layers), N = hsize_t(s.rows), H = hsize_t(s.hidden), K = hsize_t(k);
  h5::remove(root, at.group);
  h5::Group::require(root, at.group);
  h5::Dataset projection = h5::Dataset::create(root, at.projection(), h5::float32(), {L, N, K});
  h5::set_attr(projection.id(), schema::attr::components, std::int64_t{k});
  projection.close();
  h5::Dataset::create(root, at.components(), h5::float32(), {L, K, H}).close();
  h5::Dataset::create(root, at.mean(), h5::float64(), {L, H}).close();
  h5::Dataset::create(root, at.explained_variance(), h5::float64(), {L, K}).close();
  h5::Dataset::create(root, at.explained_variance_ratio(), h5::float64(), {L, K}).close();
}

Target open_target(hid_t root, const schema::PcaPaths& at) {
  return {h5::Dataset::open(root, at.projection()), h5::Dataset::open(root, at.components()),
          h5::Dataset::open(root, at.mean()), h5::Dataset::open(root, at.explained_variance()),
          h5::Dataset::open(root, at.explained_variance_ratio())};
}

// Every rank holds the same model: rank 0 writes it, the others join with empty selections.
void write_model(Target& t, std::int64_t layer, const PcaModel& model, bool root, bool& collective) {
  const auto k = hsize_t(model.k()), d = hsize_t(model.dim()), l = hsize_t(layer);
  const hsize_t some = root ? 1 : 0;
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> components =
      model.components.cast<float>();
  t.components.write(components.data(), h5::float32(), {l, 0, 0}, {some, some * k, some * d}, true);
  t.mean.write(model.mean.data(), h5::float64(), {l, 0}, {some, some * d}, true);
  t.variance.write(model.explained_variance.data(), h5::float64(), {l, 0}, {some, some * k}, true);
  t.ratio.write(model.explained_variance_ratio.data(), h5::float64(), {l, 0}, {some, some * k}, true);
  for (const h5::Dataset* ds : {&t.components, &t.mean, &t.variance, &t.ratio}) {
    collective = collective && ds->last_no_collective_cause() == 0;
  }
}

std::int64_t rounds_of(const Source& s, std::int64_t chunk, const mpi::Comm& comm) {
  const std::int64_t mine = (s.end - s.begin + chunk - 1) / chunk;
  return comm.allreduce_max(mine);
}

void reduce_layer(const Source& s, Target& t, std::int64_t layer, const PcaJobOptions& o,
                  const mpi::Comm& comm, bool& collective) {
  Moments local = Moments::empty(s.hidden);
  for (std::int64_t start = s.begin; start < s.end; start += o.chunk_rows) {
    local.add(read_rows(s, layer, start, std::min(o.chunk_rows, s.end - start)));
  }
  const PcaModel model = fit(allreduce(local, comm), PcaOptions{o.components});
  write_model(t, layer, model, comm.is_root(), collective);
  const std::int64_t rounds = rounds_of(s, o.chunk_rows, comm);
  const auto k = hsize_t(model.k());
  for (std::int64_t r = 0; r < rounds; ++r) {
    const std::int64_t start = s.begin + r * o.chunk_rows;
    const std::int64_t n = std::max<std::int64_t>(0, std::min(o.chunk_rows, s.end - start));
    const RowMatrixXf projected = project(model, read_rows(s, layer, start, n));
    t.projection.write(n > 0 ? projected.data() : nullptr, h5::float32(),
                       {hsize_t(layer), n > 0 ? hsize_t(start) : 0, 0}, {n > 0 ? 1u : 0u, hsize_t(n), n > 0 ? k : 0},
                       true);
    collective = collective && t.projection.last_no_collective_cause() == 0;
  }
}

Source open_source(hid_t root, const std::string& path, const mpi::Comm& comm) {
  Source s;
  s.data = h5::Dataset::open(root, path);
  const auto dims = s.data.dims();
  if (dims.size() != 3) throw InputError(path + ": expected [layer, row, hidden], got " + std::to_string(dims.size()) + " dimensions");
  s.layers = std::int64_t(dims[0]);
  s.rows = std::int64_t(dims[1]);
  s.hidden = std::int64_t(dims[2]);
  std::tie(s.begin, s.end) = extract::even_share(s.rows, comm.size(), comm.rank());
  return s;
}

}  // namespace

std::vector<std::string> pca_clouds(const ReduceFiles& files) {
  std::vector<std::string> out;
  for (const auto& [name, path] : source_clouds()) {
    if (h5::exists(files.source.id(), path)) out.push_back(name);
  }
  return out;
}

void create_pca_datasets(ReduceFiles& files, const mpi::Comm& comm, const PcaJobOptions& options) {
  for (const auto& [name, path] : source_clouds()) {
    if (!h5::exists(files.source.id(), path)) continue;
    const Source source = open_source(files.source.id(), path, comm);
    create_target(files.target.id(), schema::pca(name), source, components_of(source, options));
  }
}

PcaJobSummary run_pca_job(ReduceFiles& files, const mpi::Comm& comm, const PcaJobOptions& options,
                          ReduceProgress* progress) {
  if (options.components < 1) throw UsageError("--pca: expected at least 1 component");
  if (options.chunk_rows < 1) throw UsageError("--chunk-rows: expected a positive number");
  if (progress == nullptr) create_pca_datasets(files, comm, options);
  const hid_t source_root = files.source.id();
  const hid_t root = files.target.id();
  PcaJobSummary summary;
  std::size_t index = 0;
  for (const auto& [name, path] : source_clouds()) {
    if (!h5::exists(source_root, path)) continue;
    const Source source = open_source(source_root, path, comm);
    Target target = open_target(root, schema::pca(name));
    for (std::int64_t l = 0; l < source.layers; ++l) {
      const std::int64_t job = progress ? progress->jobs.pca_job(index, l) : -1;
      if (progress && progress->is_done(job)) continue;
      reduce_layer(source, target, l, options, comm, summary.all_writes_collective);
      if (progress) {
        record_jobs(files, *progress, {job}, comm);
        stop_if_asked(*progress, comm);
      }
    }
    ++index;
    (name == schema::cloud::tokens ? summary.token_rows : summary.sentence_rows) = source.rows;
    summary.layers = int(source.layers);
    summary.components = int(components_of(source, options));
    for (h5::Dataset* ds : {&target.projection, &target.components, &target.mean, &target.variance, &target.ratio}) ds->close();
  }
  if (comm.is_root()) {
    log::info("reduce: PCA-" + std::to_string(summary.components) + " of " + std::to_string(summary.layers) +
              " layers (" + std::to_string(summary.token_rows) + " tokens, " +
              std::to_string(summary.sentence_rows) + " sentences) written under /reduce/pca");
  }
  return summary;
}

}  // namespace polyrep::reduce
