//! data_constrained (to be written).
