//! Who is signed in, for the pages that offer actions by role. The server checks every
//! action again; this only decides which buttons to show.

use leptos::prelude::*;
use strata_shared::access::{Action, Me};

#[derive(Clone)]
pub struct Session(pub Me);

pub fn me() -> Me {
    expect_context::<Session>().0
}

pub fn may(action: Action) -> bool {
    me().role.may(action)
}
