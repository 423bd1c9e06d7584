//! calibration (to be written).
