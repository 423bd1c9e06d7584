//! curve (to be written).
