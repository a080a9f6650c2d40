#include "polyrep/reduce/tsne_job.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/corpus/sample.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/select.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/language_rows.hpp"
#include "polyrep/reduce/reduce_progress.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/schema/results.hpp"

namespace polyrep::reduce {

std::vector<std::int64_t> stratified_rows(const std::vector<std::int64_t>& offsets,
                                          std::int64_t max_points, std::uint64_t seed) {
  const std::int64_t total = offsets.empty() ? 0 : offsets.back() - offsets.front();
  std::vector<std::int64_t> rows;
  if (total <= max_points) {
    rows.resize(static_cast<std::size_t>(total));
    std::iota(rows.begin(), rows.end(), offsets.empty() ? 0 : offsets.front());
    return rows;
  }
  for (std::size_t g = 0; g + 1 < offsets.size(); ++g) {
    const std::int64_t size = offsets[g + 1] - offsets[g];
    if (size == 0) continue;
    const auto share = static_cast<std::int64_t>(std::floor(double(max_points) * double(size) / double(total)));
    const std::int64_t keep = std::clamp<std::int64_t>(share, 1, size);
    for (std::int64_t i : corpus::sample_indices(size, {keep, seed + g})) rows.push_back(offsets[g] + i);
  }
  return rows;
}

std::vector<int> assign_jobs(const std::vector<double>& costs, int nranks) {
  std::vector<std::size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
  std::vector<double> load(static_cast<std::size_t>(std::max(nranks, 1)), 0.0);
  std::vector<int> owner(costs.size(), 0);
  for (std::size_t job : order) {
    const auto rank = std::min_element(load.begin(), load.end()) - load.begin();
    owner[job] = static_cast<int>(rank);
    load[static_cast<std::size_t>(rank)] += costs[job];
  }
  return owner;
}

namespace {

struct Cloud {
  std::string name;
  h5::Dataset projection;
  std::vector<std::int64_t> rows;
  std::int64_t layers = 0, k = 0;
  h5::Dataset embedding, kl;
};

LanguageRows cloud_languages(hid_t source, hid_t root, const std::string& name) {
  if (name != schema::cloud::types) return language_rows(source, name == schema::cloud::tokens);
  return language_rows(h5::read_all<std::int32_t>(h5::Dataset::open(root, schema::types::lang)));
}

// The cloud's datasets at their final size (reduce_progress.hpp); the rows are written now.
void create_cloud(hid_t source, hid_t root, const std::string& name, const TsneJobOptions& o) {
  const h5::Dataset projection = h5::Dataset::open(root, schema::pca(name).projection());
  const auto layers = projection.dims()[0];
  const std::vector<std::int64_t> rows =
      stratified_rows(cloud_languages(source, root, name).offsets, o.max_points, o.tsne.seed);
  validate_tsne_options(o.tsne, static_cast<std::ptrdiff_t>(rows.size()));
  const schema::TsnePaths at = schema::tsne(name);
  h5::remove(root, at.group);
  h5::Group::require(root, at.group);
  h5::write_vector(root, at.rows(), h5::int64(), rows);
  h5::Dataset::create(root, at.embedding(), h5::float32(), {layers, hsize_t(rows.size()), 2}).close();
  h5::Dataset::create(root, at.kl_divergence(), h5::float64(), {layers}).close();
}

Cloud open_cloud(hid_t root, const std::string& name) {
  Cloud c;
  c.name = name;
  c.projection = h5::Dataset::open(root, schema::pca(name).projection());
  const auto dims = c.projection.dims();
  c.layers = std::int64_t(dims[0]);
  c.k = std::int64_t(dims[2]);
  const schema::TsnePaths at = schema::tsne(name);
  c.rows = h5::read_all<std::int64_t>(h5::Dataset::open(root, at.rows()));
  c.embedding = h5::Dataset::open(root, at.embedding());
  c.kl = h5::Dataset::open(root, at.kl_divergence());
  return c;
}

void run_one(Cloud& c, std::int64_t layer, const TsneJobOptions& o) {
  const Eigen::MatrixXf points = h5::read_rows_at(c.projection, layer, c.rows);
  const TsneResult result = tsne(points, o.tsne);
  const Eigen::Matrix<float, Eigen::Dynamic, 2, Eigen::RowMajor> layout = result.embedding;
  c.embedding.write(layout.data(), h5::float32(), {hsize_t(layer), 0, 0}, {1, hsize_t(c.rows.size()), 2}, false);
  c.kl.write(&result.kl_divergence, h5::float64(), {hsize_t(layer)}, {1}, false);
}

}  // namespace

void create_tsne_datasets(ReduceFiles& files, const mpi::Comm& comm, const TsneJobOptions& options,
                          const std::vector<std::string>& clouds) {
  mpi::agree(comm, [&] {
    for (const std::string& name : clouds) create_cloud(files.source.id(), files.target.id(), name, options);
  });
}

namespace {

struct Job {
  std::size_t cloud;
  std::int64_t layer, index;   // index: in the journal (-1 without progress)
};

// The jobs still to run, each rank's own in the order it runs them.
std::vector<std::vector<Job>> share_jobs(const std::vector<Cloud>& clouds, const ReduceProgress* progress, int nranks) {
  std::vector<Job> jobs;
  std::vector<double> costs;
  for (std::size_t c = 0; c < clouds.size(); ++c) {
    for (std::int64_t l = 0; l < clouds[c].layers; ++l) {
      const std::int64_t index = progress ? progress->jobs.tsne_job(c, l) : -1;
      if (progress && progress->is_done(index)) continue;
      jobs.push_back({c, l, index});
      const double n = double(clouds[c].rows.size());
      costs.push_back(n * std::log2(n + 2.0));
    }
  }
  const std::vector<int> owner = assign_jobs(costs, nranks);
  std::vector<std::vector<Job>> mine(static_cast<std::size_t>(nranks));
  for (std::size_t j = 0; j < jobs.size(); ++j) mine[std::size_t(owner[j])].push_back(jobs[j]);
  return mine;
}

}  // namespace

TsneJobSummary run_tsne_job(ReduceFiles& files, const mpi::Comm& comm, const TsneJobOptions& options,
                            ReduceProgress* progress) {
  const hid_t root = files.target.id();
  std::vector<std::string> names;
  for (const std::string name : schema::clouds) {
    if (h5::exists(root, schema::pca(name).projection())) names.push_back(name);
  }
  if (names.empty()) {
    mpi::agree(comm, [&] { throw InputError(files.extraction.string() + ": nothing to run t-SNE on (no PCA projections)"); });
  }
  if (progress == nullptr) create_tsne_datasets(files, comm, options, names);
  std::vector<Cloud> clouds = mpi::agree(comm, [&] {
    std::vector<Cloud> out;
    for (const std::string& name : names) out.push_back(open_cloud(root, name));
    return out;
  });
  const auto shares = share_jobs(clouds, progress, comm.size());
  const std::vector<Job>& mine = shares[std::size_t(comm.rank())];
  std::size_t rounds = 0;
  for (const auto& share : shares) rounds = std::max(rounds, share.size());
  TsneJobSummary summary;
  for (const auto& share : shares) summary.jobs += static_cast<int>(share.size());
  // In rounds, every rank's r-th job, so that a flush (collective) can record them: the shares
  // are cut longest first, so a round's jobs cost about the same.
  for (std::size_t r = 0; r < rounds; ++r) {
    std::int64_t finished = -1;
    if (r < mine.size()) {
      run_one(clouds[mine[r].cloud], mine[r].layer, options);
      ++summary.my_jobs;
      finished = mine[r].index;
    }
    if (progress) {
      record_jobs(files, *progress, comm.allgather(finished), comm);
      stop_if_asked(*progress, comm);
    }
  }
  for (Cloud& c : clouds) {
    const auto points = static_cast<std::int64_t>(c.rows.size());
    (c.name == schema::cloud::tokens      ? summary.token_points
     : c.name == schema::cloud::sentences ? summary.sentence_points
                                          : summary.type_points) = points;
    c.projection.close();
    c.embedding.close();
    c.kl.close();
  }
  if (comm.is_root()) {
    log::info("reduce: t-SNE of " + std::to_string(summary.jobs) + " jobs over " + std::to_string(comm.size()) +
              " ranks (" + std::to_string(summary.token_points) + " token and " +
              std::to_string(summary.sentence_points) + " sentence points) under /reduce/tsne");
  }
  return summary;
}

}  // namespace polyrep::reduce
