//! Golden-section search for the minimum of a unimodal function of one variable.

/// Narrows `[a, b]` around a minimum of `f` by golden sections until it is shorter than
/// `tol` or `max_iter` steps have run; returns the better of the two interior points and
/// its value. Every evaluation goes through `f`, in order, so a caller may record them.
pub(crate) fn golden_section(
    mut f: impl FnMut(f64) -> f64,
    mut a: f64,
    mut b: f64,
    tol: f64,
    max_iter: usize,
) -> (f64, f64) {
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..max_iter {
        if (b - a).abs() < tol {
            break;
        }
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    if fc < fd {
        (c, fc)
    } else {
        (d, fd)
    }
}

#[cfg(test)]
mod tests {
    use super::golden_section;

    #[test]
    fn finds_the_vertex_of_a_parabola() {
        let (x, fx) = golden_section(|x| (x - 0.3) * (x - 0.3) + 2.0, -1.0, 2.0, 1e-12, 200);
        assert!((x - 0.3).abs() < 1e-6, "{x}");
        assert!((fx - 2.0).abs() < 1e-12);
    }
}
