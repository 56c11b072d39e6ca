//! `malloc` and friends for the C code in our wasm module (libpg_query), on Rust's allocator.
//!
//! wasi-libc's own malloc must not be linked: on first use it takes the memory from its heap
//! base to the end of linear memory as its own, which overlaps what Rust's allocator has
//! already handed out, and deep inputs then crash in `free`. C does not pass the size to
//! `free`, so each block carries it in a 16-byte header (16 keeps C's `max_align_t` alignment).
#![allow(unsafe_code)]

use std::alloc::{Layout, alloc, dealloc, realloc as grow};

const HEADER: usize = 16;

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

/// # Safety
/// Called by C code only, as C's `malloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn malloc(size: usize) -> *mut u8 {
    let Some(layout) = layout(size) else {
        return std::ptr::null_mut();
    };
    // SAFETY: the layout has a non-zero size; the header is written inside the block.
    unsafe {
        let block = alloc(layout);
        if block.is_null() {
            return block;
        }
        block.cast::<usize>().write(size);
        block.add(HEADER)
    }
}

/// # Safety
/// `ptr` must be null or come from this module's `malloc`/`calloc`/`realloc`, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn free(ptr: *mut u8) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: per the contract, the header sits HEADER bytes before `ptr` and holds the size.
    unsafe {
        let block = ptr.sub(HEADER);
        let size = block.cast::<usize>().read();
        dealloc(block, Layout::from_size_align_unchecked(size + HEADER, HEADER));
    }
}

/// # Safety
/// Called by C code only, as C's `calloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut u8 {
    let Some(total) = count.checked_mul(size) else {
        return std::ptr::null_mut();
    };
    // SAFETY: a fresh block of `total` bytes is zeroed before C sees it.
    unsafe {
        let ptr = malloc(total);
        if !ptr.is_null() {
            ptr.write_bytes(0, total);
        }
        ptr
    }
}

/// # Safety
/// `ptr` must be null or come from this module's allocation functions and not be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn realloc(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        // SAFETY: same contract as malloc.
        return unsafe { malloc(size) };
    }
    let Some(new_layout) = layout(size) else {
        return std::ptr::null_mut();
    };
    // SAFETY: per the contract, the block and its header came from `malloc`.
    unsafe {
        let block = ptr.sub(HEADER);
        let old_size = block.cast::<usize>().read();
        let moved = grow(block, Layout::from_size_align_unchecked(old_size + HEADER, HEADER), new_layout.size());
        if moved.is_null() {
            return moved;
        }
        moved.cast::<usize>().write(size);
        moved.add(HEADER)
    }
}
