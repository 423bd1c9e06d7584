//! Fitting scaling laws to data (to be written).
