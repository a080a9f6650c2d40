#include "polyrep/reduce/token_types.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <map>
#include <unordered_map>

#include "polyrep/core/error.hpp"
#include "polyrep/core/log.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/mpi/agree.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/language_rows.hpp"
#include "polyrep/reduce/results_file.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/schema/results.hpp"

namespace polyrep::reduce {
namespace {

using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct MyTypes {
  std::vector<std::int32_t> lang, id;
  std::vector<std::int64_t> count, first_row;
  std::vector<std::unordered_map<std::int32_t, std::int64_t>> index;  // per my language: id -> my type
  std::int64_t offset = 0;                                            // of my first type, globally
};

std::vector<std::int32_t> read_ids(const h5::Dataset& ids, std::int64_t start, std::int64_t n) {
  std::vector<std::int32_t> out(static_cast<std::size_t>(n));
  if (n > 0) ids.read(out.data(), h5::int32(), {hsize_t(start)}, {hsize_t(n)});
  return out;
}

// Distinct ids of each of my languages in id order, with counts and first occurrences.
MyTypes collect_types(const h5::Dataset& ids, const LanguageRows& rows, std::int64_t g_begin, std::int64_t g_end,
                      std::int64_t chunk) {
  MyTypes t;
  for (std::int64_t g = g_begin; g < g_end; ++g) {
    std::map<std::int32_t, std::pair<std::int64_t, std::int64_t>> seen;  // id -> (count, first row)
    const std::int64_t end = rows.offsets[std::size_t(g) + 1];
    for (std::int64_t start = rows.offsets[std::size_t(g)]; start < end; start += chunk) {
      const auto chunk_ids = read_ids(ids, start, std::min(chunk, end - start));
      for (std::size_t i = 0; i < chunk_ids.size(); ++i) {
        auto [it, fresh] = seen.try_emplace(chunk_ids[i], 0, start + std::int64_t(i));
        ++it->second.first;
      }
    }
    auto& index = t.index.emplace_back();
    for (const auto& [id, stats] : seen) {
      index.emplace(id, std::int64_t(t.id.size()));
      t.lang.push_back(rows.languages[std::size_t(g)]);
      t.id.push_back(id);
      t.count.push_back(stats.first);
      t.first_row.push_back(stats.second);
    }
  }
  return t;
}

// Mean PCA projection of each of my types in one layer.
RowMatrixXf layer_means(const h5::Dataset& ids, const h5::Dataset& projection, const MyTypes& t,
                        const LanguageRows& rows, std::int64_t g_begin, std::int64_t layer, std::int64_t k,
                        std::int64_t chunk) {
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(Eigen::Index(t.id.size()), k);
  for (std::size_t local = 0; local < t.index.size(); ++local) {
    const std::size_t g = std::size_t(g_begin) + local;
    for (std::int64_t start = rows.offsets[g]; start < rows.offsets[g + 1]; start += chunk) {
      const std::int64_t n = std::min(chunk, rows.offsets[g + 1] - start);
      const auto chunk_ids = read_ids(ids, start, n);
      RowMatrixXf points(n, k);
      projection.read(points.data(), h5::float32(), {hsize_t(layer), hsize_t(start), 0}, {1, hsize_t(n), hsize_t(k)});
      for (std::int64_t i = 0; i < n; ++i) {
        sums.row(t.index[local].at(chunk_ids[std::size_t(i)])) += points.row(i).cast<double>();
      }
    }
  }
  for (Eigen::Index r = 0; r < sums.rows(); ++r) sums.row(r) /= double(t.count[std::size_t(r)]);
  return sums.cast<float>();
}

template <typename T>
void write_block(hid_t root, const std::string& path, const h5::Datatype& type, const std::vector<T>& mine,
                 std::int64_t offset, std::int64_t total) {
  h5::Dataset ds = h5::Dataset::create(root, path, type, {hsize_t(total)});
  const hsize_t n = mine.size();
  ds.write(mine.data(), h5::native<T>(), {n > 0 ? hsize_t(offset) : 0}, {n}, true);
  ds.close();
}

}  // namespace

std::vector<std::int64_t> split_languages(const std::vector<std::int64_t>& counts, int nranks) {
  std::int64_t total = 0;
  for (auto c : counts) total += c;
  std::vector<std::int64_t> bounds{0};
  std::int64_t before = 0;
  std::size_t g = 0;
  for (int r = 1; r < nranks; ++r) {
    // A language goes to the rank in whose share its middle token falls.
    while (g < counts.size() && 2 * (before + counts[g]) - counts[g] < 2 * total * r / nranks) before += counts[g++];
    bounds.push_back(std::int64_t(g));
  }
  bounds.push_back(std::int64_t(counts.size()));
  return bounds;
}

TokenTypesSummary run_token_types_job(ReduceFiles& files, const mpi::Comm& comm, const TokenTypesOptions& options) {
  if (options.chunk_rows < 1) throw UsageError("--chunk-rows: expected a positive number");
  const hid_t source = files.source.id();
  const hid_t root = files.target.id();
  const LanguageRows rows = mpi::agree(comm, [&] { return language_rows(source, true); });
  std::vector<std::int64_t> counts;
  for (std::size_t g = 0; g + 1 < rows.offsets.size(); ++g) counts.push_back(rows.offsets[g + 1] - rows.offsets[g]);
  const auto bounds = split_languages(counts, comm.size());
  const std::int64_t g_begin = bounds[std::size_t(comm.rank())], g_end = bounds[std::size_t(comm.rank()) + 1];

  h5::Dataset ids = h5::Dataset::open(source, schema::tokens::id);
  h5::Dataset projection = h5::Dataset::open(root, schema::pca(schema::cloud::tokens).projection());
  const auto dims = projection.dims();
  const std::int64_t layers = std::int64_t(dims[0]), k = std::int64_t(dims[2]);
  MyTypes mine = mpi::agree(comm, [&] { return collect_types(ids, rows, g_begin, g_end, options.chunk_rows); });
  const auto sizes = comm.allgather(std::int64_t(mine.id.size()));
  std::int64_t total = 0;
  for (int r = 0; r < comm.size(); ++r) (r < comm.rank() ? mine.offset : total) += sizes[std::size_t(r)];
  total += mine.offset;

  h5::Group::require(root, schema::types::group);
  write_block(root, schema::types::lang, h5::int32(), mine.lang, mine.offset, total);
  write_block(root, schema::types::token_id, h5::int32(), mine.id, mine.offset, total);
  write_block(root, schema::types::count, h5::int64(), mine.count, mine.offset, total);
  write_block(root, schema::types::first_row, h5::int64(), mine.first_row, mine.offset, total);
  const schema::PcaPaths types_pca = schema::pca(schema::cloud::types);
  h5::Group::require(root, types_pca.group);
  h5::Dataset out = h5::Dataset::create(root, types_pca.projection(), h5::float32(),
                                        {hsize_t(layers), hsize_t(total), hsize_t(k)});
  const hsize_t n = mine.id.size();
  for (std::int64_t l = 0; l < layers; ++l) {
    const RowMatrixXf means =
        mpi::agree(comm, [&] { return layer_means(ids, projection, mine, rows, g_begin, l, k, options.chunk_rows); });
    out.write(n > 0 ? means.data() : nullptr, h5::float32(), {n > 0 ? hsize_t(l) : 0, n > 0 ? hsize_t(mine.offset) : 0, 0},
              {n > 0 ? 1u : 0u, n, n > 0 ? hsize_t(k) : 0}, true);
  }
  for (h5::Dataset* ds : {&ids, &projection, &out}) ds->close();
  const TokenTypesSummary summary{total, rows.offsets.back()};
  if (comm.is_root()) {
    log::info("reduce: " + std::to_string(summary.types) + " token types (distinct token per language) averaged from " +
              std::to_string(summary.tokens) + " tokens under /reduce/types");
  }
  return summary;
}

}  // namespace polyrep::reduce
