//! architecture (to be written).
