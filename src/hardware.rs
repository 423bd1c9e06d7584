//! hardware (to be written).
