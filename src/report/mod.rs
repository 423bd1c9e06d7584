//! Reports: notebook display and plots (to be written).
