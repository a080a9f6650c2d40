#pragma once
/// Reading scattered rows (a t-SNE subsample, the points of a plot) without one HDF5 call per row:
/// the rows are sorted and grouped into runs, rows closer than `max_gap` are read together with the
/// rows between them, so a dense selection costs a few large reads and a sparse one at most one
/// read per row. Results come back in the order the rows were asked for (any order, repeats
/// allowed). Reads are independent (no other rank takes part).
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "polyrep/h5/dataset.hpp"

namespace polyrep::h5 {

struct RowRun {
  std::size_t begin = 0, end = 0;  // positions [begin, end) in the sorted rows
  std::int64_t first = 0, span = 0;  // the block of dataset rows read: [first, first + span)
};

struct RowRunOptions {
  std::int64_t max_gap = 64;      // rows skipped inside a run at most
  std::int64_t max_span = 65536;  // rows per read at most (bounds the buffer)
};

/// Runs over `sorted_rows` (ascending).
std::vector<RowRun> row_runs(const std::vector<std::int64_t>& sorted_rows, const RowRunOptions& options = {});

/// Rows `rows` of slice `layer` of a [layer, row, column] dataset, converted to float.
Eigen::MatrixXf read_rows_at(const Dataset& ds, std::int64_t layer, const std::vector<std::int64_t>& rows,
                             const RowRunOptions& options = {});

/// Elements `rows` of a 1-D numeric dataset, converted to int64.
std::vector<std::int64_t> read_ints_at(const Dataset& ds, const std::vector<std::int64_t>& rows,
                                       const RowRunOptions& options = {});

/// Elements `rows` of a 1-D string dataset.
std::vector<std::string> read_strings_at(const Dataset& ds, const std::vector<std::int64_t>& rows,
                                         const RowRunOptions& options = {});

}  // namespace polyrep::h5
