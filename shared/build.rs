//! For the browser build only: the C runtime libpg_query needs on wasm32 (see wasm-c/README.md).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=wasm-c");
    println!("cargo:rerun-if-env-changed=WASI_SYSROOT");
    if std::env::var("TARGET").as_deref() != Ok("wasm32-unknown-unknown") {
        return;
    }
    cc::Build::new()
        .files(["wasm-c/sjlj.c", "wasm-c/longjmp_tag.S", "wasm-c/wasi_imports.c"])
        .flag("-mexception-handling")
        .compile("strata_wasm_c");
    // String and stdio functions from wasi-libc; malloc comes from Rust (src/wasm_c_heap.rs).
    let libc = wasi_libc_folder().unwrap_or_else(|why| panic!("wasi-libc not found: {why}"));
    println!("cargo:rustc-link-search=native={}", libc.display());
    println!("cargo:rustc-link-lib=static=c");
}

/// The folder holding wasi-libc's `libc.a`: `$WASI_SYSROOT/lib/wasm32-wasi` when set (a
/// wasi-sdk), otherwise wherever clang-22 finds it for the wasm32-wasi target (Debian's
/// `wasi-libc` package puts it in /usr/lib/wasm32-wasi).
fn wasi_libc_folder() -> Result<PathBuf, String> {
    let libc = match std::env::var_os("WASI_SYSROOT") {
        Some(sysroot) => PathBuf::from(sysroot).join("lib/wasm32-wasi/libc.a"),
        None => {
            let output = Command::new("clang-22")
                .args(["--target=wasm32-wasi", "-print-file-name=libc.a"])
                .output()
                .map_err(|error| format!("cannot run clang-22 ({error}); install it or set WASI_SYSROOT"))?;
            PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
        }
    };
    // clang answers the bare name when it finds no such file.
    match libc.parent() {
        Some(folder) if libc.is_file() => Ok(folder.to_path_buf()),
        _ => Err(format!(
            "{} does not exist; install Debian's wasi-libc or set WASI_SYSROOT to a wasi-sdk sysroot",
            libc.display()
        )),
    }
}
