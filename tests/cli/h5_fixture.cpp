// Builds the HDF5 files the CLI failure tests need and the h5 command-line tools cannot make:
//   h5_fixture foreign FILE          an HDF5 file polyrep did not write (one dataset, no attributes)
//   h5_fixture drop-attr FILE NAME   removes a root attribute (a complete extraction made incomplete)
// Plain HDF5 C API, serial, so that it needs neither MPI nor Python's h5py.
#include <hdf5.h>

#include <cstdio>
#include <cstring>

namespace {

int fail(const char* what, const char* file) {
  std::fprintf(stderr, "h5_fixture: %s %s failed\n", what, file);
  return 1;
}

int make_foreign(const char* path) {
  const hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) return fail("creating", path);
  const hsize_t dims[1] = {4};
  const int values[4] = {1, 2, 3, 4};
  const hid_t space = H5Screate_simple(1, dims, nullptr);
  const hid_t set = H5Dcreate2(file, "/measurements", H5T_NATIVE_INT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const bool ok = set >= 0 && H5Dwrite(set, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0;
  if (set >= 0) H5Dclose(set);
  H5Sclose(space);
  H5Fclose(file);
  return ok ? 0 : fail("writing", path);
}

int drop_attribute(const char* path, const char* name) {
  const hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) return fail("opening", path);
  const bool ok = H5Adelete(file, name) >= 0;
  H5Fclose(file);
  return ok ? 0 : fail("deleting the attribute of", path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "foreign") == 0) return make_foreign(argv[2]);
  if (argc == 4 && std::strcmp(argv[1], "drop-attr") == 0) return drop_attribute(argv[2], argv[3]);
  std::fprintf(stderr, "usage: h5_fixture foreign FILE | drop-attr FILE NAME\n");
  return 2;
}
