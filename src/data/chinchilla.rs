//! chinchilla (to be written).
