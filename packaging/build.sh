#!/usr/bin/env bash
# Build the nnviz one-folder bundle (PyInstaller) from a checkout, from any directory:
#
#     packaging/build.sh [DIST_DIR]
#
# DIST_DIR (or $NNVIZ_DIST; default <repo>/dist) receives the bundle as DIST_DIR/nnviz/, whose
# program is DIST_DIR/nnviz/nnviz. The build's own venv and PyInstaller's work files go below
# $NNVIZ_BUILD (default <repo>/build); the venv is kept and reused by the next build.
# $PYTHON picks the interpreter for the venv (default python3, which must be 3.11 or newer).
# Needs: python3 with venv, and PyPI reachable by pip (or its cache) for the first build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dist="${1:-${NNVIZ_DIST:-$root/dist}}"
build="${NNVIZ_BUILD:-$root/build}"
python="${PYTHON:-python3}"

mkdir -p "$dist" "$build"
dist="$(cd "$dist" && pwd)"
build="$(cd "$build" && pwd)"
venv="$build/venv"
start=$SECONDS

if [ ! -x "$venv/bin/python" ]; then
    echo "build.sh: creating the build venv $venv" >&2
    "$python" -m venv "$venv"
fi
# nnviz's dependencies and PyInstaller (the "bundle" extra); nnviz's own code is taken from this
# checkout by the spec (its pathex), whatever version of it the venv holds
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$root[bundle]"

# run from the build folder, so that no file lands in the caller's current directory
cd "$build"
"$venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$build/pyinstaller" "$here/nnviz.spec" >&2

bundle="$dist/nnviz"
"$bundle/nnviz" --version >&2
echo "build.sh: built in $((SECONDS - start)) s, $(du -sh "$bundle" | cut -f1) in $bundle" >&2
echo "$bundle"
