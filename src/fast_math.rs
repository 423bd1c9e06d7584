//! Branch-free `exp` and `ln` for the inner loops of the fits, written so that LLVM
//! vectorises them: no table look-ups, no calls, no branches (range checks are the caller's).
//!
//! * [`exp`]: Cody–Waite reduction x = k ln 2 + r, |r| <= ln2/2 (ln 2 split in two parts as in
//!   fdlibm), degree-13 Taylor polynomial in Estrin's scheme, scaling by 2^k through the exponent
//!   bits. Valid for |x| <= [`EXP_DOMAIN`].
//! * [`ln`]: the fdlibm/musl `log` algorithm (reduction to [√½, √2), s = f/(2+f), the 7-term
//!   minimax polynomial Lg1..Lg7 of fdlibm), without its special cases. Valid for positive
//!   normal finite x.
//!
//! Neither uses fused multiply-add, so results are the same bit for bit on every x86_64 CPU
//! (SSE2, AVX2 or AVX-512 code) and on every thread count.
//!
//! **Accuracy** (tested against the platform libm by property tests below): at most 2 ulp
//! from libm for `exp` on [-708, 708] and for `ln` on [1e-300, 1e300]; the maximum
//! observed over 10⁶ random arguments is printed by `cargo test --lib fast_math -- --nocapture`.

/// |x| up to which [`exp`] is valid (2^k stays a normal number).
pub(crate) const EXP_DOMAIN: f64 = 708.0;

const LOG2E: f64 = std::f64::consts::LOG2_E;
/// 1.5 · 2⁵²: adding and subtracting it rounds to the nearest integer.
const ROUND_SHIFT: f64 = 6755399441055744.0;
/// ln 2 in two parts (fdlibm's bits): `k * LN2_HI` is exact for |k| < 2000.
const LN2_HI: f64 = f64::from_bits(0x3fe62e42fee00000);
const LN2_LO: f64 = f64::from_bits(0x3dea39ef35793c76);

/// eˣ for |x| <= [`EXP_DOMAIN`] (garbage beyond; callers check). At most 2 ulp from libm.
#[inline(always)]
pub(crate) fn exp(x: f64) -> f64 {
    let shifted = x * LOG2E + ROUND_SHIFT;
    let k = shifted - ROUND_SHIFT;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor coefficients 1/j!, j = 2..13, in Estrin's scheme (short dependency chains, so
    // the out-of-order core overlaps neighbouring lanes): p = Σ r^(j-2)/j!.
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let q0 = 0.5 + r * (1.0 / 6.0);
    let q1 = 1.0 / 24.0 + r * (1.0 / 120.0);
    let q2 = 1.0 / 720.0 + r * (1.0 / 5040.0);
    let q3 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
    let q4 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0);
    let q5 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
    let p = (q0 + q1 * r2) + (q2 + q3 * r2) * r4 + (q4 + q5 * r2) * r8;
    let er = 1.0 + (r + r2 * p);
    // k sits in the low bits of `shifted` (offset 2^51); rebuild 2^k from the exponent field.
    let ki = shifted.to_bits().wrapping_sub(ROUND_SHIFT.to_bits());
    let scale = f64::from_bits(ki.wrapping_add(1023) << 52);
    er * scale
}

/// fdlibm's minimax coefficients of log (e_log.c), by their bits.
const LG1: f64 = f64::from_bits(0x3fe5555555555593);
const LG2: f64 = f64::from_bits(0x3fd999999997fa04);
const LG3: f64 = f64::from_bits(0x3fd2492494229359);
const LG4: f64 = f64::from_bits(0x3fcc71c51d8e78af);
const LG5: f64 = f64::from_bits(0x3fc7466496cb03de);
const LG6: f64 = f64::from_bits(0x3fc39a09d078c69f);
const LG7: f64 = f64::from_bits(0x3fc2f112df3e5244);
/// Bits of √½ (rounded down): mantissas are reduced to [√½, √2).
const SQRT_HALF_BITS: u64 = 0x3fe6a09e667f3bcd;
const ONE_BITS: u64 = 0x3ff0000000000000;
const MANTISSA_MASK: u64 = (1 << 52) - 1;

/// ln x for positive normal finite x (garbage otherwise; callers check). At most 2 ulp from libm.
#[inline(always)]
pub(crate) fn ln(x: f64) -> f64 {
    // As musl's log: shift the bits so that the exponent field of `t` is k + 1023 with the
    // mantissa reduced to m in [√½, √2), x = 2^k m.
    let t = x.to_bits().wrapping_add(ONE_BITS - SQRT_HALF_BITS);
    let m = f64::from_bits((t & MANTISSA_MASK) + SQRT_HALF_BITS);
    // k as f64 without an int-to-float conversion (SSE2 and AVX2 lack one for 64-bit lanes).
    let dk = f64::from_bits(ROUND_SHIFT.to_bits() + (t >> 52)) - (ROUND_SHIFT + 1023.0);
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};

    /// Distance in units in the last place of `b` (both finite, same sign).
    fn ulps(a: f64, b: f64) -> f64 {
        let ulp = f64::from_bits(b.abs().to_bits() + 1) - b.abs();
        (a - b).abs() / ulp
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn exp_within_2_ulp_of_libm(x in -EXP_DOMAIN..=EXP_DOMAIN) {
            let (fast, libm) = (exp(x), x.exp());
            prop_assert!(ulps(fast, libm) <= 2.0, "exp({x:e}) = {fast:e}, libm {libm:e}");
        }

        #[test]
        fn ln_within_2_ulp_of_libm(e10 in -300.0f64..300.0, m in 1.0f64..10.0) {
            let x = m * 10f64.powf(e10);
            let (fast, libm) = (ln(x), x.ln());
            prop_assert!(ulps(fast, libm) <= 2.0, "ln({x:e}) = {fast:e}, libm {libm:e}");
        }

        /// Around 1 ln is tiny and its relative accuracy is the hardest to keep.
        #[test]
        fn ln_near_one_within_2_ulp(d in -0.3f64..0.4) {
            let x = 1.0 + d;
            prop_assume!(x != 1.0);
            let (fast, libm) = (ln(x), x.ln());
            prop_assert!(ulps(fast, libm) <= 2.0, "ln({x:e}) = {fast:e}, libm {libm:e}");
        }
    }

    #[test]
    fn exact_points() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(2.0), std::f64::consts::LN_2);
        assert_eq!(ln(0.5), -std::f64::consts::LN_2);
        assert!(ulps(exp(1.0), std::f64::consts::E) <= 1.0);
        assert!(ulps(exp(-EXP_DOMAIN), (-EXP_DOMAIN).exp()) <= 2.0);
        assert!(ulps(exp(EXP_DOMAIN), EXP_DOMAIN.exp()) <= 2.0);
    }

    /// The worst case over a million arguments in the range the Chinchilla objective uses
    /// (exponents in [-60, 60], sums in [1e-3, 1e30]); printed with `--nocapture`.
    #[test]
    fn worst_case_over_the_objectives_range() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
        let (mut worst_exp, mut worst_ln) = (0.0f64, 0.0f64);
        for _ in 0..1_000_000 {
            let x: f64 = rng.random_range(-60.0..60.0);
            worst_exp = worst_exp.max(ulps(exp(x), x.exp()));
            let y = 10f64.powf(rng.random_range(-3.0..30.0));
            worst_ln = worst_ln.max(ulps(ln(y), y.ln()));
        }
        println!("max |fast - libm|: exp {worst_exp} ulp, ln {worst_ln} ulp");
        assert!(worst_exp <= 2.0 && worst_ln <= 2.0);
    }
}
