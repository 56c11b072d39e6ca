#!/bin/sh
# C compiler for wasm32-unknown-unknown (see README.md in this folder).
here=$(dirname "$(readlink -f "$0")")
# wasi-libc's headers: under $WASI_SYSROOT (a wasi-sdk) or beside the libc.a clang finds
# (Debian's wasi-libc: /usr/lib/wasm32-wasi/libc.a and /usr/include/wasm32-wasi).
if [ -n "$WASI_SYSROOT" ]; then
  wasi_include="$WASI_SYSROOT/include/wasm32-wasi"
else
  libc=$(clang-22 --target=wasm32-wasi -print-file-name=libc.a 2>/dev/null)
  wasi_include=$(dirname "$(dirname "$(dirname "$libc")")")/include/wasm32-wasi
fi
exec clang-22 \
  -isystem "$here/include" -isystem "$wasi_include" \
  -D__wasi__ -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
  -mllvm -wasm-enable-sjlj \
  "$@"
