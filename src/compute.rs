//! compute (to be written).
