//! The page's own figures: time since it started loading and the wasm heap, shown as data
//! attributes for the benchmarks.

use wasm_bindgen::JsCast;

/// Milliseconds since the page started loading.
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The wasm heap's size (it never shrinks, so this is its peak so far).
pub fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |memory| memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64)
}
