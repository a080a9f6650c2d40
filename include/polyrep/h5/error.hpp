#pragma once
/// Checked HDF5 calls. HDF5 reports failure with negative return values and an error stack; these
/// helpers turn that into `polyrep::IoError("<what>: <innermost HDF5 messages>")`, where `what`
/// names the call and the file/dataset ("creating dataset /hidden/tokens"). HDF5's automatic
/// printing of the error stack to stderr is switched off once (silence_auto_print), because the
/// message travels in the exception instead.
#include <hdf5.h>

#include <string>

namespace polyrep::h5 {

/// Turns off HDF5's automatic error-stack printing (H5Eset_auto2). Idempotent; called by every
/// File factory, so most callers never need it.
void silence_auto_print();

/// For calls returning an identifier: throws when id < 0, else returns it.
hid_t check_id(hid_t id, const std::string& what);
/// For calls returning herr_t: throws when rc < 0.
void check(herr_t rc, const std::string& what);
/// For calls returning htri_t (tri-state): throws when negative, else returns rc > 0.
bool check_tri(htri_t rc, const std::string& what);
/// For calls returning a size (ssize_t/hssize_t/int): throws when negative, else returns it.
long long check_size(long long n, const std::string& what);

/// The current HDF5 error stack's innermost messages ("" when empty); clears the stack.
std::string take_error_stack();

/// Throws IoError(what + ": " + take_error_stack()).
[[noreturn]] void throw_error(const std::string& what);

}  // namespace polyrep::h5
