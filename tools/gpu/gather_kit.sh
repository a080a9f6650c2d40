#!/usr/bin/env bash
# Gathers, on a Debian 12 machine with apt (this one), what the GPU machine lacks to build and run
# polyrep against its PyTorch wheel's libtorch: Open MPI, parallel HDF5, the header-only
# libraries, GoogleTest's sources, utf8proc, SentencePiece and pkg-config, as Debian 12 .deb files
# (`apt-get download`, nothing is installed here), plus the Flores-200 devtest and the real mBERT
# vocabulary for the benchmark. device_check.sh unpacks the .debs there with `dpkg -x`.
#
#   tools/gpu/gather_kit.sh [DIR]      (default tools/gpu/kit, git-ignored; ~50 MiB at most)
#
# The dependency closure is resolved with apt-cache; packages any Linux base system has (libc,
# libstdc++, zlib, ...) and the toolchain (gcc, perl, Fortran) are left out. DIR/MANIFEST lists
# every package with its version and size.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
kit=${1:-$root/tools/gpu/kit}
shared=${POLYREP_SHARED:-$root/../shared}
seeds=(openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools libeigen3-dev libnanoflann-dev
       libcli11-dev nlohmann-json3-dev googletest libutf8proc-dev libsentencepiece-dev pkgconf)
# Never shipped: compilers and interpreters, Fortran and LLVM, X11, and -dev packages only the
# Fortran/C++ HDF5 bindings or Open MPI's own build need.
skip='^(libc6|libc6-dev|libc-dev-bin|libgcc-s1|libstdc\+\+6|libstdc\+\+-.*-dev|debconf|cdebconf|dpkg|tar|perl.*|libperl.*|adduser|passwd|debianutils|install-info|linux-libc-dev|gcc.*|cpp.*|g\+\+.*|gfortran.*|libgfortran.*|flang.*|libflang.*|libllvm.*|libclang.*|libmlir.*|binutils.*|libbinutils|libctf.*|libgprofng0|libasan.*|liblsan0|libtsan.*|libubsan1|libitm1|libatomic1|libquadmath0|libgomp1|libcc1-0|libisl23|libmpc3|libmpfr6|libgcc-.*-dev|autoconf|automake|autotools-dev|m4|libltdl-dev|libx11.*|libxau6|libxcb1|libxdmcp6|libxext6|libxnvctrl0|openssh-client|libjs-.*|libssl-dev|libcurl4-.*-dev|libcurl.*nss.*|libcurl3-nss|libnss3|libnspr4|nss-plugin-pem|libicu72|libxml2|libz3-4|libedit2|libjpeg.*|libhdf5-openmpi-fortran.*|libhdf5-openmpi-hl-fortran.*|libhdf5-openmpi-cpp.*|libhdf5-openmpi-hl-cpp.*|libhwloc-dev|libhwloc-plugins|libevent-dev|libibverbs-dev|libnl-.*-dev|libnuma-dev|libpmix-dev|libaec-dev|zlib1g-dev|libtirpc-dev|libnsl-dev|rpcsvc-proto|libnewt0.52|libslang2|libtextwrap1|libdebian-installer4|libsemanage.*|libsepol2|libgdbm.*|libsqlite3-0|ocl-icd-libopencl1|libpam.*|libaudit.*|libcap-ng0|libdb5.3|libselinux1|libpcre2-8-0|readline-common|libreadline8|libtinfo6|libcrypt-dev|pkg-config)$'
# Libraries a base system usually has already (libssl3, zlib, Kerberos, ...): shipped apart, in
# fallback/, of which device_check.sh uses only what the GPU machine's loader cannot find, so that
# an older copy never shadows the system's own (Python's ssl module, say).
base='^(libcurl4|libcurl3-gnutls|libssh2-1|libnghttp2-14|libpsl5|librtmp1|libgcc-s1|libstdc\+\+6|zlib1g|libzstd1|liblzma5|libbz2-1.0|libcrypt1|libmd0|libbsd0|libuuid1|libudev1|libacl1|libgmp10|libffi8|libssl3|libkrb5.*|libk5crypto3|libgssapi-krb5-2|libcom-err2|libkeyutils1|libbrotli1|libidn2-0|libunistring2|libgnutls30|libhogweed6|libnettle8|libp11-kit0|libtasn1-6|libjansson4|libtirpc3|libtirpc-common|libnsl2|libsasl2.*|libldap-2.5-0)$'
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
            --no-replaces --no-enhances "${seeds[@]}" 2>/dev/null | grep -v '^ ' | grep -v '^<' | sort -u)
packages=$(echo "$closure" | grep -Ev "$skip" | grep -Ev "$base" || true)
fallback=$(echo "$closure" | grep -Ev "$skip" | grep -E "$base" || true)
fallback+=" $(printf '%s\n' libgcc-s1 libstdc++6 zlib1g libzstd1 liblzma5 libbz2-1.0 libssl3 | sort -u)"
rm -rf "$kit"; mkdir -p "$kit/debs" "$kit/fallback"
chmod 777 "$kit/debs" "$kit/fallback"  # apt's download user writes there
(cd "$kit/debs" && apt-get download -qq $packages >/dev/null)
(cd "$kit/fallback" && apt-get download -qq $(echo "$fallback" | tr ' ' '\n' | sort -u) >/dev/null)
{
  echo "# polyrep GPU kit: Debian 12 (bookworm) packages, gathered $(date -u +%Y-%m-%dT%H:%MZ) by tools/gpu/gather_kit.sh"
  echo "# folder package version bytes"
  for f in "$kit"/debs/*.deb "$kit"/fallback/*.deb; do
    printf '%s %s %s %s\n' "$(basename "$(dirname "$f")")" "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)" "$(stat -c %s "$f")"
  done
} > "$kit/MANIFEST"
# The benchmark's data: Flores-200 devtest (CC BY-SA 4.0, Meta AI / NLLB team: see
# data/SOURCES.md) and bert-base-multilingual-cased's vocab.txt (Apache 2.0, Google).
if [ -d "$shared/data" ]; then
  flores=$(find "$shared/data" -maxdepth 2 -type d -name flores200 | head -1)
  vocab=$(find "$shared/data" -maxdepth 3 -name vocab.txt | head -1)
  tar -C "$(dirname "$flores")" -cJf "$kit/flores200-devtest.tar.xz" flores200/devtest flores200/README \
    $(cd "$(dirname "$flores")" && ls flores200/metadata_devtest.tsv 2>/dev/null)
  cp "$vocab" "$kit/mbert-vocab.txt"
  cp "$shared/data/SOURCES.md" "$kit/SOURCES.md" 2>/dev/null || true
  echo "data flores200-devtest.tar.xz - $(stat -c %s "$kit/flores200-devtest.tar.xz")" >> "$kit/MANIFEST"
else
  echo "gather_kit.sh: no $shared/data: the kit has no benchmark data (the full-devtest phase is skipped)" >&2
fi
echo "gather_kit.sh: $(ls "$kit"/debs | wc -l) packages, $(du -sh "$kit" | cut -f1) in $kit"
