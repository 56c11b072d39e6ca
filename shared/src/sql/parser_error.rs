//! libpg_query's C entry point, for the one thing the `pg_query` crate drops: where the
//! error is. `pg_query::Error::Parse` keeps the message but not PostgreSQL's cursor position.
//! The protobuf entry point is the one `pg_query::parse` uses: calling the JSON one instead
//! would link libpg_query's JSON output functions into the browser bundle for nothing.

use crate::text::byte_offset_of_char;
use std::ffi::{CStr, CString, c_char, c_int};

#[repr(C)]
struct PgQueryError {
    message: *mut c_char,
    funcname: *mut c_char,
    filename: *mut c_char,
    lineno: c_int,
    /// 1-based character (not byte) index into the input; 0 when PostgreSQL gives none.
    cursorpos: c_int,
    context: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobuf {
    len: usize,
    data: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobufParseResult {
    parse_tree: PgQueryProtobuf,
    stderr_buffer: *mut c_char,
    error: *mut PgQueryError,
}

// Linked from the static libpg_query that the `pg_query` crate builds.
unsafe extern "C" {
    fn pg_query_parse_protobuf(input: *const c_char) -> PgQueryProtobufParseResult;
    fn pg_query_free_protobuf_parse_result(result: PgQueryProtobufParseResult);
}

pub(crate) struct ParserError {
    pub message: String,
    /// Byte offset into the parsed text.
    pub byte_offset: usize,
}

/// PostgreSQL's first syntax error in `sql`, or `None` if it parses.
pub(crate) fn first_syntax_error(sql: &str) -> Option<ParserError> {
    let input = match CString::new(sql) {
        Ok(input) => input,
        Err(nul) => {
            let byte_offset = nul.nul_position();
            return Some(ParserError { message: "the SQL contains a NUL byte".into(), byte_offset });
        }
    };
    // SAFETY: `input` is a valid C string for the call; the result is freed exactly once below,
    // after the error's fields have been copied out.
    unsafe {
        let result = pg_query_parse_protobuf(input.as_ptr());
        let error = result.error.as_ref().map(|e| {
            let message = CStr::from_ptr(e.message).to_string_lossy().into_owned();
            let char_index = usize::try_from(e.cursorpos).unwrap_or(0).saturating_sub(1);
            ParserError { message, byte_offset: byte_offset_of_char(sql, char_index) }
        });
        pg_query_free_protobuf_parse_result(result);
        error
    }
}
