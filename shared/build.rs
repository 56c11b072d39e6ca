//! For the browser build only: the C runtime libpg_query needs on wasm32 (see wasm-c/README.md).

fn main() {
    println!("cargo:rerun-if-changed=wasm-c");
    if std::env::var("TARGET").as_deref() != Ok("wasm32-unknown-unknown") {
        return;
    }
    cc::Build::new()
        .files(["wasm-c/sjlj.c", "wasm-c/longjmp_tag.S", "wasm-c/wasi_imports.c"])
        .flag("-mexception-handling")
        .compile("strata_wasm_c");
    // String and stdio functions from Debian's wasi-libc; malloc comes from Rust (src/wasm_c_heap.rs).
    println!("cargo:rustc-link-search=native=/usr/lib/wasm32-wasi");
    println!("cargo:rustc-link-lib=static=c");
}
