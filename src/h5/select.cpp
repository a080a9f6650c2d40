#include "polyrep/h5/select.hpp"

#include <algorithm>
#include <numeric>

#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"

namespace polyrep::h5 {
namespace {

struct Sorted {
  std::vector<std::size_t> order;  // order[i]: position in the request of the i-th smallest row
  std::vector<std::int64_t> rows;  // ascending
};

Sorted sort_rows(const std::vector<std::int64_t>& rows) {
  Sorted s;
  s.order.resize(rows.size());
  std::iota(s.order.begin(), s.order.end(), std::size_t{0});
  std::stable_sort(s.order.begin(), s.order.end(), [&](std::size_t a, std::size_t b) { return rows[a] < rows[b]; });
  s.rows.reserve(rows.size());
  for (std::size_t i : s.order) s.rows.push_back(rows[i]);
  return s;
}

// Calls fn(run, sorted) for each run of the requested rows.
template <typename Fn>
void for_each_run(const std::vector<std::int64_t>& rows, const RowRunOptions& options, Fn&& fn) {
  const Sorted sorted = sort_rows(rows);
  for (const RowRun& run : row_runs(sorted.rows, options)) fn(run, sorted);
}

}  // namespace

std::vector<RowRun> row_runs(const std::vector<std::int64_t>& sorted_rows, const RowRunOptions& options) {
  std::vector<RowRun> runs;
  for (std::size_t i = 0; i < sorted_rows.size();) {
    std::size_t j = i + 1;
    while (j < sorted_rows.size() && sorted_rows[j] - sorted_rows[j - 1] <= options.max_gap &&
           sorted_rows[j] - sorted_rows[i] < options.max_span) {
      ++j;
    }
    runs.push_back({i, j, sorted_rows[i], sorted_rows[j - 1] - sorted_rows[i] + 1});
    i = j;
  }
  return runs;
}

Eigen::MatrixXf read_rows_at(const Dataset& ds, std::int64_t layer, const std::vector<std::int64_t>& rows,
                             const RowRunOptions& options) {
  const auto dims = ds.dims();
  const auto k = static_cast<std::int64_t>(dims.at(2));
  Eigen::MatrixXf out(static_cast<Eigen::Index>(rows.size()), k);
  std::vector<float> block;
  for_each_run(rows, options, [&](const RowRun& run, const Sorted& s) {
    block.resize(static_cast<std::size_t>(run.span * k));
    ds.read(block.data(), float32(), {hsize_t(layer), hsize_t(run.first), 0}, {1, hsize_t(run.span), hsize_t(k)});
    for (std::size_t i = run.begin; i < run.end; ++i) {
      const float* row = block.data() + (s.rows[i] - run.first) * k;
      for (std::int64_t c = 0; c < k; ++c) out(static_cast<Eigen::Index>(s.order[i]), c) = row[c];
    }
  });
  return out;
}

std::vector<std::int64_t> read_ints_at(const Dataset& ds, const std::vector<std::int64_t>& rows,
                                       const RowRunOptions& options) {
  std::vector<std::int64_t> out(rows.size()), block;
  for_each_run(rows, options, [&](const RowRun& run, const Sorted& s) {
    block.resize(static_cast<std::size_t>(run.span));
    ds.read(block.data(), int64(), {hsize_t(run.first)}, {hsize_t(run.span)});
    for (std::size_t i = run.begin; i < run.end; ++i) out[s.order[i]] = block[std::size_t(s.rows[i] - run.first)];
  });
  return out;
}

std::vector<std::string> read_strings_at(const Dataset& ds, const std::vector<std::int64_t>& rows,
                                         const RowRunOptions& options) {
  std::vector<std::string> out(rows.size());
  for_each_run(rows, options, [&](const RowRun& run, const Sorted& s) {
    std::vector<std::string> block = read_strings(ds, hsize_t(run.first), hsize_t(run.span));
    for (std::size_t i = run.begin; i < run.end; ++i) out[s.order[i]] = block[std::size_t(s.rows[i] - run.first)];
  });
  return out;
}

}  // namespace polyrep::h5
