//! runs (to be written).
