#pragma once
/// Variable-length UTF-8 string datasets (h5py: `check_string_dtype(ds.dtype).encoding == 'utf-8'`,
/// `ds.asstr()[...]` gives str). Parallel HDF5 cannot write variable-length data, so these work on
/// SERIAL files only: the writer fills numeric data collectively, closes, and rank 0 reopens the
/// file serially for the strings. Strings must not contain NUL bytes (C strings end there).
#include <hdf5.h>

#include <string>
#include <vector>

#include "polyrep/h5/dataset.hpp"

namespace polyrep::h5 {

/// Writes values into [start, start + values.size()) of a 1-D utf8_string() dataset.
void write_strings(Dataset& ds, hsize_t start, const std::vector<std::string>& values);
/// Reads [start, start + count) of a 1-D variable- or fixed-length string dataset.
std::vector<std::string> read_strings(const Dataset& ds, hsize_t start, hsize_t count);
/// Reads the whole 1-D string dataset.
std::vector<std::string> read_strings(const Dataset& ds);

/// Creates a 1-D utf8_string() dataset at `path` holding `values` (serial files).
Dataset write_string_dataset(hid_t loc, const std::string& path,
                             const std::vector<std::string>& values);

}  // namespace polyrep::h5
