//! llama (to be written).
