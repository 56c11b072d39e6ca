//! What the studio (`src/main.rs`) and its SQL engine worker (`src/bin/engine.rs`) share:
//! the messages between them. Everything else of each lives in its own binary, so the
//! studio's bundle never links PostgreSQL's parser.

pub mod engine_protocol;
