#!/usr/bin/env bash
# Builds the native entropy scorer (server/native/entropy_lens_native.cpp) into
# .native-build/entropy_lens_native.node. Run by `npm run build` (under a second when up to date).
#
#   bash server/native/build.sh            # build (no-op when up to date)
#   bash server/native/build.sh --force    # rebuild
#   OUT_DIR=/some/dir bash server/native/build.sh
#
# Works offline: it links the llama.cpp shared libraries of node-llama-cpp's prebuilt CPU
# binary (@node-llama-cpp/<platform>/bins/<platform>) and compiles against the headers of the
# same llama.cpp revision, taken from node-llama-cpp/llama/gitRelease.bundle (a git bundle).
# Needs: g++ (C++17), git, Node headers (node_api.h; found via the node executable or npm's nodedir).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT_DIR="${OUT_DIR:-$ROOT/.native-build}"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

NLC="$ROOT/node_modules/node-llama-cpp"
[[ -d "$NLC" ]] || { echo "build.sh: $NLC not found (run npm ci first)" >&2; exit 1; }
NLC_VERSION="$(node -p "require('$NLC/package.json').version")"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PLATFORM=linux-x64 ;;
  Linux-aarch64) PLATFORM=linux-arm64 ;;
  *) echo "build.sh: unsupported platform $(uname -s)-$(uname -m) (only Linux is scripted)" >&2; exit 1 ;;
esac
BINS="$ROOT/node_modules/@node-llama-cpp/$PLATFORM/bins/$PLATFORM"
[[ -d "$BINS" ]] || { echo "build.sh: prebuilt binaries not found at $BINS (was npm run with --omit=optional?)" >&2; exit 1; }
LIBLLAMA="$(cd "$BINS" && ls libllama*.so | grep -v common | head -n1)"
LIBGGML="$(cd "$BINS" && ls libggml.*so | head -n1)"
[[ -n "$LIBLLAMA" && -n "$LIBGGML" && -f "$BINS/libggml-base.so" ]] || { echo "build.sh: libllama/libggml not found in $BINS" >&2; exit 1; }

# Node headers.
NODE_INC=""
for cand in "$(dirname "$(dirname "$(command -v node)")")/include/node" "$(npm config get nodedir 2>/dev/null)/include/node" /usr/include/node /usr/local/include/node; do
  if [[ -f "$cand/node_api.h" ]]; then NODE_INC="$cand"; break; fi
done
[[ -n "$NODE_INC" ]] || { echo "build.sh: node_api.h not found (install Node headers or set npm nodedir)" >&2; exit 1; }

mkdir -p "$OUT_DIR"
TARGET="$OUT_DIR/entropy_lens_native.node"
STAMP="$OUT_DIR/build-stamp.txt"
BUNDLE="$NLC/llama/gitRelease.bundle"
SRC="$HERE/entropy_lens_native.cpp"
WANT_STAMP="nlc=$NLC_VERSION bundle=$(stat -c %s-%Y "$BUNDLE") src=$(sha1sum "$SRC" "$HERE/build.sh" | cut -c1-12 | tr '\n' ' ') bins=$BINS node=$(node -p process.versions.modules)"

if [[ $FORCE == 0 && -f "$TARGET" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT_STAMP" ]]; then
  echo "build.sh: up to date: $TARGET"
  exit 0
fi

T0=$(date +%s.%N)
# Headers of the llama.cpp revision the prebuilt libraries were built from.
INC="$OUT_DIR/llama-include"
if [[ ! -f "$INC/stamp" || "$(cat "$INC/stamp")" != "$(stat -c %s-%Y "$BUNDLE")" ]]; then
  rm -rf "$INC" "$OUT_DIR/bundle-tmp"
  git clone -q --no-checkout "$BUNDLE" "$OUT_DIR/bundle-tmp"
  mkdir -p "$INC"
  git -C "$OUT_DIR/bundle-tmp" archive HEAD include ggml/include | tar -x -C "$INC"
  rm -rf "$OUT_DIR/bundle-tmp"
  stat -c %s-%Y "$BUNDLE" > "$INC/stamp"
fi

ARCH_FLAGS=()
[[ "$PLATFORM" == linux-x64 ]] && ARCH_FLAGS=(-mavx2 -mfma)
if [[ "$PLATFORM" == linux-x64 ]] && ! grep -q ' avx2 ' /proc/cpuinfo; then ARCH_FLAGS=(); fi

g++ -std=c++17 -O3 "${ARCH_FLAGS[@]}" -fPIC -shared -fvisibility=hidden \
  -DNODE_GYP_MODULE_NAME=entropy_lens_native -DNAPI_VERSION=8 \
  -I"$NODE_INC" -I"$INC/include" -I"$INC/ggml/include" \
  "$SRC" -o "$TARGET.tmp" \
  -L"$BINS" -l:"$LIBLLAMA" -l:"$LIBGGML" -l:libggml-base.so \
  -Wl,-rpath,"$BINS" -lpthread
mv "$TARGET.tmp" "$TARGET"
echo "$WANT_STAMP" > "$STAMP"
printf 'build.sh: built %s in %.1f s\n' "$TARGET" "$(echo "$(date +%s.%N) - $T0" | bc 2>/dev/null || echo 0)"
