//! continuation (to be written).
