//! Queries (to be written).
