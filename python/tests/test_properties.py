"""Budget invariants as properties (Hypothesis): 6ND, round trips, monotonicity, and
the compute-optimal split beating its neighbours."""

import math

import numpy as np
from hypothesis import given, settings, strategies as st

import isoflop

H = isoflop.ChinchillaHypothesis.hoffmann2022()
B = isoflop.ChinchillaHypothesis.besiroglu2024_published()
LAWS = st.sampled_from([H, B, isoflop.ChinchillaHypothesis.hoffmann2022_unrounded()])
SIZES = st.floats(1e7, 1e13)
TOKENS = st.floats(1e8, 1e15)
BUDGETS = st.floats(1e18, 1e27)
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True)
settings.load_profile("ci")


@given(SIZES, TOKENS)
def test_training_flops_is_6nd(n, d):
    c = float(isoflop.training_flops(n, d))
    assert math.isclose(c, 6 * n * d, rel_tol=1e-15)
    # and back: the tokens that budget buys the same model
    assert math.isclose(float(isoflop.tokens_for_flops(n, c)), d, rel_tol=1e-12)


@given(st.floats(1e3, 1e30))
def test_units_round_trip_through_their_text(x):
    for unit in (isoflop.Params, isoflop.Tokens, isoflop.Flops):
        q = unit(x)
        back = unit(str(q))
        # The text keeps 3 significant figures (as the field writes them).
        assert math.isclose(float(back), float(q), rel_tol=5e-3)


@given(LAWS, SIZES, TOKENS)
def test_loss_falls_with_size_and_with_tokens(h, n, d):
    l = h.loss(n, d)
    assert h.loss(n * 2, d) < l
    assert h.loss(n, d * 2) < l
    assert l > h.floor(n)


@given(LAWS, SIZES, TOKENS)
def test_array_answers_equal_scalar_answers(h, n, d):
    grid = h.loss(np.array([n, n * 3]), np.array([[d], [d / 7]]))
    assert grid.shape == (2, 2)
    assert grid[0, 0] == h.loss(n, d)
    assert grid[1, 1] == h.loss(n * 3, d / 7)
    # Arrays go through the crate's vectorised batch: within a few ulp of the scalar law.
    assert math.isclose(grid[0, 0], isoflop.predict(h, n, d).point, rel_tol=1e-14)


@given(LAWS, st.floats(1e8, 1e12), st.floats(0.01, 1.0))
def test_tokens_for_loss_round_trips(h, n, above):
    target = h.floor(n) + above
    d = h.tokens_for_loss(n, target)
    if 1e3 < d < 1e30:  # the crate's search window
        assert math.isclose(h.loss(n, d), target, rel_tol=1e-9)


@given(LAWS, BUDGETS, st.floats(1.05, 3.0))
def test_optimal_split_beats_its_neighbours(h, c, k):
    n, d = h.optimal(c)
    assert math.isclose(6 * n * d, c, rel_tol=1e-9)
    best = h.loss(n, d)
    for m in (n * k, n / k):  # same compute, other sizes
        assert h.loss(m, c / (6 * m)) >= best - 1e-12


@given(LAWS, BUDGETS)
def test_optimal_size_grows_with_compute(h, c):
    n1, d1 = h.optimal(c)
    n2, d2 = h.optimal(c * 10)
    assert n2 > n1 and d2 > d1


@given(LAWS, SIZES, BUDGETS)
def test_predict_at_compute_is_predict_at_c_over_6n(h, n, c):
    d = c / (6 * n)
    if 1e3 <= d <= 1e20:
        a = isoflop.predict_at_compute(h, n, c)
        b = isoflop.predict(h, n, float(a.tokens))
        assert math.isclose(a.point, b.point, rel_tol=1e-12)
        assert a.loss.lo <= a.loss.median <= a.loss.hi
