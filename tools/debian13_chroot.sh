#!/usr/bin/env bash
# The README's test command on Debian 13 (trixie: libtorch 2.6, Open MPI 5, HDF5 1.14, gcc 14),
# in a chroot made here with debootstrap (as root, with network access to the Debian mirror).
#
#   tools/debian13_chroot.sh [--dir DIR] [--torch cpu|cuda] [--log FILE] [-- ctest arguments]
#
#   --dir DIR      the trixie system (default /var/tmp/polyrep-trixie); made once, then reused
#   --torch cpu    Debian's CPU libtorch (libtorch-dev), as tools/setup.sh installs it (default)
#   --torch cuda   Debian's CUDA build (libtorch-cuda-dev, contrib, with the CUDA 12.4 toolkit from
#                  non-free) in its place; it conflicts with libtorch-dev, which is removed. The
#                  build must link libtorch_cuda, and the suite must pass without a GPU.
#   --log FILE     also write everything to FILE (default DIR.<torch>.log)
#
# A snapshot of the working tree (tracked and untracked files git does not ignore) is copied to
# DIR/src/polyrep, so edits made meanwhile do not reach the build; the build directory stays
# inside the chroot (build-<torch>) and is reused by the next run of the same mode. Prints the
# test counts and the wall times of set-up, build and ctest at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=/var/tmp/polyrep-trixie torch=cpu log="" ctest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --torch) torch=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --) shift; ctest_args=("$@"); break ;;
    *) echo "debian13_chroot.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case "$torch" in cpu|cuda) ;; *) echo "debian13_chroot.sh: --torch must be cpu or cuda" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "debian13_chroot.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
log=${log:-$dir.$torch.log}
exec > >(tee "$log") 2>&1

mirror=http://deb.debian.org/debian
if [ ! -x "$dir/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  echo "== debootstrap trixie into $dir"
  debootstrap --variant=minbase --components=main,contrib,non-free trixie "$dir" "$mirror" >/dev/null
fi
echo "deb $mirror trixie main contrib non-free" > "$dir/etc/apt/sources.list"
cp /etc/resolv.conf "$dir/etc/resolv.conf"

mounted=()
cleanup() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done; }
trap cleanup EXIT
for m in proc sys dev dev/pts dev/shm; do
  mkdir -p "$dir/$m"
  if ! mountpoint -q "$dir/$m"; then mount --bind "/$m" "$dir/$m"; mounted+=("$dir/$m"); fi
done
in_chroot() { chroot "$dir" env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive bash -c "$1"; }

echo "== source snapshot"
# Files whose content changed since the last snapshot get a new mtime, others keep theirs: an
# edit older than the build directory's objects (made while the last build ran) still rebuilds.
new=$dir/src/polyrep.new; rm -rf "$new"; mkdir -p "$new" "$dir/src/polyrep"
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$new"
(cd "$new" && find . -type f) | while read -r f; do
  cmp -s "$new/$f" "$dir/src/polyrep/$f" || { mkdir -p "$(dirname "$dir/src/polyrep/$f")"; cp "$new/$f" "$dir/src/polyrep/$f"; }
done
(cd "$dir/src/polyrep" && find . -type f) | while read -r f; do [ -e "$new/$f" ] || rm -f "$dir/src/polyrep/$f"; done
rm -rf "$new"

t0=$(date +%s)
in_chroot "apt-get update -qq"
if [ "$torch" = cuda ]; then
  echo "== CUDA libtorch (libtorch-cuda-dev) and the CUDA toolkit"
  # nvidia-cudnn (contrib) only downloads cuDNN from NVIDIA at configure time, which no mirror
  # carries and this machine cannot reach: its configure step is made a no-op, and a stub
  # libcudnn.so.9 with the 83 entry points libtorch_cuda imports (each returning
  # CUDNN_STATUS_NOT_INITIALIZED) lets the build link. polyrep has no convolutions or RNNs, and on
  # this GPU-less machine CUDA never initialises, so no cuDNN function is ever called.
  in_chroot "apt-get install -y -qq --no-install-recommends libtorch-cuda-dev nvidia-cuda-toolkit nvidia-cuda-dev >/dev/null 2>&1" || true
  if [ -f "$dir/var/lib/dpkg/info/nvidia-cudnn.postinst" ] && ! grep -q "^exit 0" "$dir/var/lib/dpkg/info/nvidia-cudnn.postinst"; then
    sed -i '1a exit 0' "$dir/var/lib/dpkg/info/nvidia-cudnn.postinst"
  fi
  in_chroot "dpkg --configure -a >/dev/null && apt-get install -y -qq --no-install-recommends build-essential libtorch-cuda-dev nvidia-cuda-toolkit nvidia-cuda-dev >/dev/null"
  if ! in_chroot "ldconfig -p | grep -q libcudnn.so.9"; then
    in_chroot 'set -e; cd /tmp; nm -D --undefined-only /usr/lib/x86_64-linux-gnu/libtorch_cuda.so | awk "{print \$2}" | sed -n "s/@libcudnn.so.9\$//p" | sort -u > cudnn.syms
      { echo "/* stub cuDNN for linking only (tools/debian13_chroot.sh) */"; sed "s/.*/int &(void) { return 1; }/" cudnn.syms; } > cudnn_stub.c
      echo "libcudnn.so.9 { global: *; };" > cudnn.map
      gcc -shared -fPIC -o /usr/local/lib/libcudnn.so.9 -Wl,-soname,libcudnn.so.9 -Wl,--version-script=cudnn.map cudnn_stub.c
      ldconfig; echo "stub libcudnn.so.9: $(wc -l < cudnn.syms) functions"'
  fi
fi
echo "== tools/setup.sh"
in_chroot "cd /src/polyrep && bash tools/setup.sh"
if [ "$torch" = cuda ] && ! in_chroot "dpkg-query -W -f='\${Status}' libtorch-cuda-dev | grep -q 'install ok installed'"; then
  echo "debian13_chroot.sh: tools/setup.sh replaced libtorch-cuda-dev" >&2; exit 1
fi
t1=$(date +%s)
echo "== build (build-$torch)"
in_chroot "cd /src/polyrep && POLYREP_BUILD_DIR=/src/build-$torch bash tools/build.sh"
t2=$(date +%s)
bin=$dir/src/build-$torch/src/polyrep
if [ "$torch" = cuda ]; then
  echo "== the binary links libtorch_cuda"
  readelf -d "$bin" | grep NEEDED | grep -E "torch" || true
  in_chroot "ldd /src/build-$torch/src/polyrep" | grep -q libtorch_cuda || { echo "polyrep does not link libtorch_cuda" >&2; exit 1; }
fi
echo "== ctest ${ctest_args[*]}"
set +e
in_chroot "cd /src/build-$torch && ctest --output-on-failure -j \$(nproc) ${ctest_args[*]+$(printf '%q ' "${ctest_args[@]}")}"
rc=$?
set -e
t3=$(date +%s)
echo "== Debian 13, $torch libtorch: $(in_chroot "dpkg-query -W -f='\${Package} \${Version}' libtorch-$([ $torch = cuda ] && echo cuda-)dev"), $(in_chroot "mpirun --version | head -1")"
echo "== times: set-up $((t1 - t0)) s, build $((t2 - t1)) s, ctest $((t3 - t2)) s; ctest exit $rc"
exit $rc
