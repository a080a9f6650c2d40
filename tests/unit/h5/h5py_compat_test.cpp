// Checks that files written here read naturally in h5py (float16 as numpy float16, strings as
// UTF-8 str), which is how most users will open them. Skipped where /usr/bin/python3 lacks h5py.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/strings.hpp"
#include "temp_dir.hpp"

namespace h5 = polyrep::h5;

namespace {

bool have_h5py() {
  return std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") == 0;
}

TEST(H5pyCompat, Float16AndStringsReadNaturally) {
  if (!have_h5py()) GTEST_SKIP() << "/usr/bin/python3 with h5py not available";
  polyrep::test::TempDir dir;
  const auto path = dir / "compat.h5";
  {
    h5::File f = h5::File::create(path, false);
    h5::Dataset half = h5::Dataset::create(f.id(), "/hidden/tokens", h5::float16(), {2, 2});
    const std::uint16_t bits[4] = {0x3C00, 0xC000, 0x3800, 0x7BFF};
    half.write(bits, h5::float16(), {0, 0}, {2, 2}, false);
    h5::write_string_dataset(f.id(), "/tokens/text", {"\xE2\x96\x81gato", "日本語", ""});
    h5::set_attr(f.id(), "model", "mbert ▁x");
  }
  const auto script = dir / "check.py";
  std::ofstream(script) << R"PY(
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    h = f["/hidden/tokens"]
    assert h.dtype == np.float16, h.dtype
    assert h[...].tolist() == [[1.0, -2.0], [0.5, 65504.0]], h[...]
    t = f["/tokens/text"]
    info = h5py.check_string_dtype(t.dtype)
    assert info is not None and info.encoding == "utf-8" and info.length is None, info
    values = t.asstr()[...].tolist()
    assert values == ["\u2581gato", "\u65e5\u672c\u8a9e", ""], values
    assert all(isinstance(v, str) for v in values)
    m = f.attrs["model"]
    assert isinstance(m, str) and m == "mbert \u2581x", repr(m)
print("ok")
)PY";
  const std::string cmd = "/usr/bin/python3 " + script.string() + " " + path.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

}  // namespace
