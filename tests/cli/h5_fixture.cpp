// Builds the HDF5 files the CLI failure tests need and the h5 command-line tools cannot make:
//   h5_fixture foreign FILE          an HDF5 file polyrep did not write (one dataset, no attributes)
//   h5_fixture drop-attr FILE NAME   removes a root attribute (a complete extraction made incomplete)
//   h5_fixture set-int-attr FILE NAME VALUE  sets a root int64 attribute (schema_version 99: a file
//                                    "from a newer polyrep")
// Plain HDF5 C API, serial, so that it needs neither MPI nor Python's h5py.
#include <hdf5.h>

#include <cstdio>
#include <cstdlib>
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

int set_int_attribute(const char* path, const char* name, long long value) {
  const hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) return fail("opening", path);
  if (H5Aexists(file, name) > 0) H5Adelete(file, name);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(file, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  const bool ok = attr >= 0 && H5Awrite(attr, H5T_NATIVE_LLONG, &value) >= 0;
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  H5Fclose(file);
  return ok ? 0 : fail("setting the attribute of", path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "foreign") == 0) return make_foreign(argv[2]);
  if (argc == 4 && std::strcmp(argv[1], "drop-attr") == 0) return drop_attribute(argv[2], argv[3]);
  if (argc == 5 && std::strcmp(argv[1], "set-int-attr") == 0) {
    return set_int_attribute(argv[2], argv[3], std::strtoll(argv[4], nullptr, 10));
  }
  std::fprintf(stderr, "usage: h5_fixture foreign FILE | drop-attr FILE NAME | set-int-attr FILE NAME VALUE\n");
  return 2;
}
