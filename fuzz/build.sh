#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz_tsv, fuzz_mtx, fuzz_h5ad) with Debian's clang against the io and util
# sources only (no LibTorch), instrumented with AddressSanitizer and UndefinedBehaviorSanitizer.
#   fuzz/build.sh [BUILD_DIR]            (default: build-fuzz)
# Then run one, e.g. for 60 s on its seed corpus (new inputs go to the first, writable, directory):
#   mkdir -p build-fuzz/corpus/tsv && build-fuzz/fuzz_tsv -max_total_time=60 build-fuzz/corpus/tsv fuzz/corpus/tsv
# Needs: clang, libclang-rt-14-dev (or the version of clang installed), libomp-dev, libhdf5-dev, libfmt-dev,
# libspdlog-dev, zlib1g-dev.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/build-fuzz}"
CXX="${CXX_FUZZ:-clang++}"
JOBS="${JOBS:-$(nproc)}"
mkdir -p "$OUT/obj"
VERSION="$(sed -n 's/^project(blue VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")"
FLAGS=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fopenmp -fsanitize=address,undefined
       -fno-sanitize-recover=undefined -DBLUE_VERSION="\"$VERSION\""
       -I"$ROOT/src" -I/usr/include/hdf5/serial -I/usr/include/eigen3
       -DSPDLOG_SHARED_LIB -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL)
LIBS=(-L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -lspdlog -lfmt -lz -pthread)

# Library objects, rebuilt only when their source is newer (coverage-instrumented for the fuzzer).
objects=()
pids=()
for src in "$ROOT"/src/io/*.cpp "$ROOT"/src/util/*.cpp; do
  obj="$OUT/obj/$(basename "$(dirname "$src")")_$(basename "${src%.cpp}").o"
  objects+=("$obj")
  if [[ ! -f "$obj" || "$src" -nt "$obj" || -n "$(find "$ROOT/src" -name '*.h' -newer "$obj" -print -quit)" ]]; then
    "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
    pids+=($!)
    if (( ${#pids[@]} >= JOBS )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  fi
done
for p in "${pids[@]}"; do wait "$p"; done

for target in fuzz_tsv fuzz_mtx fuzz_h5ad; do
  "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer "$ROOT/fuzz/$target.cpp" "${objects[@]}" "${LIBS[@]}" -o "$OUT/$target"
  echo "[fuzz] built $OUT/$target"
done
