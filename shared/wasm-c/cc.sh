#!/bin/sh
# C compiler for wasm32-unknown-unknown (see README.md in this folder).
here=$(dirname "$(readlink -f "$0")")
exec clang-22 \
  -isystem "$here/include" -isystem /usr/include/wasm32-wasi \
  -D__wasi__ -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
  -mllvm -wasm-enable-sjlj \
  "$@"
