//! compute (placeholder until the compute module lands).
use crate::error::{check, Result};
use crate::units::{Flops, Params, Tokens};
/// 6ND.
pub fn training_flops_6nd(n: Params, d: Tokens) -> Result<Flops> {
    Flops::new(check::result("6ND", 6.0 * n.get() * d.get())?)
}
/// D = C / 6N.
pub fn tokens_for_flops(n: Params, c: Flops) -> Result<Tokens> {
    Tokens::new(check::result("C/6N", c.get() / (6.0 * n.get()))?)
}
