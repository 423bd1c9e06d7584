//! cluster (to be written).
