#!/usr/bin/env bash
# Builds the Lambda runtime's CPython (3.13, as infra/names.py PYTHON_VERSION) once, outside the
# repository, from Debian trixie's python3.13 source package, and prints its path.
#
# The deploy bundle's bytecode and `make bench`'s cold imports need the runtime's own Python; only
# 3.11 is preinstalled on the development and CI machines, and nothing may be downloaded from
# outside the package registries, so apt brings the source (hash-checked against trixie's signed
# index, through a private apt state that leaves the machine's own sources untouched) and it is
# compiled here. About 4-6 minutes on 2 cores; later calls return at once.
set -euo pipefail

VERSION=3.13
CACHE=${SHOKEN_CACHE:-$HOME/.cache/shoken}
PREFIX=$CACHE/python$VERSION
PY=$PREFIX/bin/python$VERSION

if [ -f "$PREFIX/.complete" ] && "$PY" -c "import sys, zlib, ctypes; sys.exit(sys.version_info[:2] != (3, 13))" 2>/dev/null; then
  echo "$PY"
  exit 0
fi

for tool in apt-get tar make gcc; do
  command -v "$tool" >/dev/null || { echo "runtime python: '$tool' is missing; install it (Debian: apt-get install build-essential)" >&2; exit 1; }
done

APT=$CACHE/apt
mkdir -p "$CACHE"  # a new machine has no ~/.cache yet
WORK=$(mktemp -d "$CACHE/build-python.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$APT/lists/partial" "$APT/archives/partial"
echo "deb-src http://deb.debian.org/debian trixie main" >"$APT/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT" -o APT::Sandbox::User=root -qq)
echo "runtime python: fetching Debian trixie's python$VERSION source package" >&2
apt-get "${apt_opts[@]}" update >&2
(cd "$WORK" && apt-get "${apt_opts[@]}" source --download-only "python$VERSION" >&2)
tar -xf "$WORK"/python"$VERSION"_*.orig.tar.xz -C "$WORK"
SRC=$(find "$WORK" -maxdepth 1 -type d -name 'Python-*' | head -1)
[ -n "$SRC" ] || { echo "runtime python: the source package held no Python-* folder" >&2; exit 1; }

echo "runtime python: compiling $(basename "$SRC") into $PREFIX (a few minutes)" >&2
cd "$SRC"
rm -rf "$PREFIX"
./configure --prefix="$PREFIX" --without-ensurepip --disable-test-modules >"$WORK/configure.log" 2>&1 ||
  { tail -20 "$WORK/configure.log" >&2; exit 1; }
make -j"$(nproc)" >"$WORK/make.log" 2>&1 || { tail -30 "$WORK/make.log" >&2; exit 1; }
make install >"$WORK/install.log" 2>&1 || { tail -30 "$WORK/install.log" >&2; exit 1; }
# Only a complete install is reused: an interrupted build starts again from the source.
"$PY" -c "import sys, zlib, ctypes, ssl, sqlite3, lzma, bz2; assert sys.version_info[:2] == (3, 13)" 2>/dev/null || {
  echo "runtime python: the build lacks a standard module; install the headers and rerun:" \
    "apt-get install libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev libsqlite3-dev" >&2
  exit 1
}
touch "$PREFIX/.complete"
echo "$PY"
