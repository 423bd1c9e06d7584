//! run_table (to be written).
