//! Bundled data sets and loaders.
//!
//! - [`chinchilla`]: the Chinchilla Figure 4 runs (Epoch AI digitisation), shipped as a table.
//! - [`run_table`]: a validated table of training runs (N, D, loss) and its CSV loaders.
//! - [`llama`]: the LLaMA-1 Figure 1 training-loss curves, shipped as a compact table.
//! - [`sweep`]: isoFLOP sweeps: runs grouped by experiment and assigned to compute budgets.
//! - [`curve`]: a validated loss curve (tokens, loss) and its CSV loader.
//! - [`schedules`]: real runs of 33M-360M models under several learning-rate schedules
//!   (Hägele et al. 2024; Schaipp et al. 2025), each with its schedule, shipped as a table.

pub mod chinchilla;
pub mod curve;
pub mod llama;
pub mod run_table;
pub mod schedules;
pub mod sweep;
