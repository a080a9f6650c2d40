#!/usr/bin/env bash
# Installs what polyrep needs to build and test on Debian 12 (bookworm) or 13 (trixie), where the
# packages have the same names (run as root, or with sudo).
# Idempotent: packages already present are skipped, and nothing is printed when all is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git pkg-config ca-certificates
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev hdf5-tools
  libtorch-dev libprotobuf-dev
  libopenblas0-openmp
  libsentencepiece-dev
  libutf8proc-dev
  libeigen3-dev libnanoflann-dev libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  python3 python3-h5py python3-numpy
  # polyrep plot: static figures (cairo with a font), and the report's test in a real browser
  libcairo2-dev fonts-dejavu-core chromium python3-websocket
  # the launchers' tests in jobs/: network-namespace cluster, single-node Slurm
  iproute2 procps slurm-wlm munge
)
# `tools/setup.sh bench` also installs what the benchmarks compare against (scikit-learn).
if [ "${1:-}" = "bench" ]; then
  packages+=(python3-sklearn)
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# Debian 13's CUDA build of libtorch (contrib) provides the same headers and CMake files as
# libtorch-dev and conflicts with it: where it is installed it stands for libtorch, and asking for
# libtorch-dev would make apt remove it.
if installed libtorch-cuda-dev; then
  for i in "${!packages[@]}"; do [ "${packages[$i]}" = libtorch-dev ] && packages[$i]=libtorch-cuda-dev; done
fi

missing=()
for p in "${packages[@]}"; do
  if ! installed "$p"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# libtorch links libblas.so.3; make sure the alternative points at OpenBLAS, not netlib's reference BLAS.
if [ -e /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 ]; then
  $sudo update-alternatives --set libblas.so.3-x86_64-linux-gnu \
    /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 >/dev/null 2>&1 || true
fi
