//! Interviews: how long one may be (times and their zones: `domain::zone`).

/// Interview lengths offered, in minutes.
pub const DURATIONS: [i32; 5] = [15, 30, 45, 60, 90];
