//! kaplan (to be written).
