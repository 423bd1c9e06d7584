"""The Python surface: result objects, display, pandas, figures, fits, schedules, lifetime."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest

import isoflop

H = isoflop.ChinchillaHypothesis.hoffmann2022()


def test_prediction_object():
    p = isoflop.predict(H, "6.7B", "1.4T", level=0.9)
    assert isinstance(p, isoflop.Prediction)
    assert isinstance(p.loss, isoflop.Band)
    assert p.loss.lo <= p.loss.median <= p.loss.hi and p.loss.level == 0.9
    assert p.params == 6.7e9 and p.tokens == 1.4e12 and p.flops == pytest.approx(6 * 6.7e9 * 1.4e12)
    assert p.extrapolation.factor > 1
    assert all(isinstance(w, str) for w in p.warnings) and p.warnings
    assert "warning" in repr(p) and "6.7B" in repr(p)
    assert p._repr_html_().startswith("<")
    assert repr(p.loss).endswith("90%")
    assert p["point"] == p.point and "loss" in p
    with pytest.raises(AttributeError):
        p.nonexistent


def test_flagship_question():
    # LLaMA-7B with LLaMA-65B's compute, continuing its own curve in log-tokens, and
    # under Chinchilla laws: the comparison as a table.
    small = isoflop.llama_model("LLaMA-7B")
    big = isoflop.llama_model("LLaMA-65B")
    c = isoflop.Continuation.llama("LLaMA-7B", "linear-in-log-tokens", draws=200)
    p = isoflop.predict_with_compute_of(c, small[0], *big)
    assert p.extrapolation.factor > 10
    table = isoflop.compare([c, H, isoflop.KaplanHypothesis.kaplan2020()], small[0],
                            flops=isoflop.training_flops(*big))
    df = table.to_pandas()
    assert list(df["hypothesis"]) == ["linear-in-log-tokens", "chinchilla-hoffmann2022", "kaplan2020"]
    assert df.loc[2, "declined"]  # Kaplan needs non-embedding parameters
    assert df.loc[0, "lo"] <= df.loc[0, "median"] <= df.loc[0, "hi"]
    assert "<table" in table._repr_html_()


def test_hypothesis_display_and_attributes():
    assert H.id == "chinchilla-hoffmann2022"
    assert isinstance(H, isoflop.Hypothesis) and isinstance(H, isoflop.ChinchillaHypothesis)
    assert "2203.15556" in H.source and H.corpus
    assert repr(H).startswith("<ChinchillaHypothesis chinchilla-hoffmann2022")
    assert "<table" in H._repr_html_()
    assert H._law() == (1.69, 406.4, 410.7, 0.34, 0.28)
    mine = isoflop.ChinchillaHypothesis(1.8, 400, 2000, 0.35, 0.37, id="mine")
    assert mine.id == "mine" and mine.draw_count == 0


def test_numpy_shapes_and_strings():
    n = np.geomspace(1e8, 1e11, 5)
    d = np.geomspace(1e9, 1e13, 7)
    grid = H.loss(n[:, None], d[None, :])
    assert grid.shape == (5, 7) and np.all(np.isfinite(grid))
    assert H.loss(["1B", "7B"], "1T").shape == (2,)
    assert isinstance(H.loss(1e9, 1e12), float)
    t = H.tokens_for_loss(np.array([1e9, 7e9]), 2.3)
    assert t.shape == (2,) and t[0] > t[1]
    n_opt, d_opt = H.optimal(np.array([[1e21, 1e22], [1e23, 1e24]]))
    assert n_opt.shape == (2, 2) and np.allclose(6 * n_opt * d_opt, [[1e21, 1e22], [1e23, 1e24]])


def test_fit_from_frame_dict_and_csv(tmp_path):
    df = isoflop.chinchilla_runs(as_frame=True)
    a = isoflop.fit_chinchilla(df)
    b = isoflop.fit_chinchilla({k: df[k].to_numpy() for k in df})
    path = tmp_path / "runs.csv"
    df.to_csv(path, index=False)
    c = isoflop.fit_chinchilla(path)
    assert a.law == b.law == c.law
    # sizes written as the field writes them
    strings = df.assign(N=[str(isoflop.Params(x)) for x in df["N"]])
    assert isoflop.fit_chinchilla(strings).law.alpha == pytest.approx(a.law.alpha, abs=0.02)
    assert "Converged" in repr(a) or "converged" in repr(a)
    assert a.to_pandas().loc["alpha", "estimate"] == a.law.alpha


def test_bootstrap_draws_are_arrays_and_make_bands():
    fit = isoflop.fit_chinchilla(isoflop.chinchilla_runs(), bootstrap=30, seed=1)
    draws = fit.draws
    assert isinstance(draws, np.ndarray) and draws.shape == (30, 5)
    h = fit.hypothesis("mine")
    assert h.id == "mine" and h.draw_count == 30
    assert h._law_draws().shape == (30, 5)
    p = isoflop.predict(h, "7B", "1T")
    assert p.loss.width > 0
    assert fit.confidence_band("7B", "1T").width > 0
    assert fit.prediction_band("7B", "1T").width >= fit.confidence_band("7B", "1T").width
    assert h.draws("7B", "1T").shape == (30,)
    assert fit.to_pandas()["std_error"].notna().all()


def test_fit_that_did_not_converge_warns_and_says_so():
    # A collinear design (every run at 20 tokens per parameter) cannot separate the size
    # and data terms: the crate reports FlatDirection, Python warns, and every prediction
    # from the fit carries the crate's warning.
    n = np.geomspace(1e8, 1e10, 12)
    runs = {"N": n, "D": 20 * n, "loss": H.loss(n, 20 * n)}
    with pytest.warns(isoflop.FitWarning, match="FlatDirection"):
        fit = isoflop.fit_chinchilla(runs)
    assert not fit.converged and fit.status == "FlatDirection"
    assert "more model sizes" in fit.advice
    p = isoflop.predict(fit.hypothesis(), "1B", "20B")
    assert any("FlatDirection" in w for w in p.warnings), p.warnings
    # A converged fit does not warn.
    with warnings.catch_warnings():
        warnings.simplefilter("error", isoflop.FitWarning)
        assert isoflop.fit_chinchilla(isoflop.chinchilla_runs()).converged


def test_fit_sweep_every_method_side_by_side():
    s = isoflop.fit_sweep(isoflop.chinchilla_runs(as_frame=True), at=1.3e22, draws=20)
    df = s.to_pandas()
    assert list(df.index) == ["approach1", "approach2", "approach3", "varpro"]
    assert s.at == 1.3e22
    assert "<table" in s._repr_html_()
    h = s.hypothesis("varpro", id="vp")
    assert h.id == "vp"
    with pytest.raises(isoflop.NotApplicableError):
        s.hypothesis("approach2")
    for fig in (s.sweep_figure(), s.optimal_size_figure()):
        assert fig._repr_svg_().lstrip().startswith("<svg") or "<svg" in fig.svg[:200]


def test_fit_sweep_by_group_and_budget_column():
    df = isoflop.chinchilla_runs(as_frame=True)
    two = pd.concat([df.assign(dataset="a"), df.assign(dataset="b", loss=df["loss"] + 0.1)])
    fits = isoflop.fit_sweep(two, by_group=True, draws=5)
    assert sorted(fits) == ["dataset=a", "dataset=b"]
    pooled = isoflop.fit_sweep(two, pool=True, draws=5)
    assert pooled.runs == 2 * len(df)
    with_budget = df.assign(budget=6 * df["N"] * df["D"])
    s = isoflop.fit_sweep(with_budget, budget_column="budget", draws=5)
    assert s.budgets >= 9


def test_schedules_and_planned_prediction():
    s = isoflop.Schedule.cosine(3e-4, 2000, 250_000, "4M")
    assert s.lr(1) < s.lr(2000) == pytest.approx(3e-4)
    assert s.lr(250_000) == pytest.approx(3e-5)
    assert s.lr([1, 2000, 250_000]).shape == (3,)
    assert s.with_total_tokens("2T").total_tokens == pytest.approx(2e12, rel=1e-2)
    wsd = isoflop.Schedule.wsd(3e-4, 1000, 100_000, 20_000, "4M", cooldown="1-sqrt")
    assert "1-sqrt" in str(wsd) or "sqrt" in str(wsd)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", isoflop.FitWarning)
        fit = isoflop.fit_schedule_law("LLaMA-7B", draws=10)
    h = fit.hypothesis(0)
    assert isinstance(h, isoflop.ScheduleAwareHypothesis)
    p = isoflop.predict_planned(h, "6.7B", "13.6T")
    assert p.prediction.loss.lo <= p.prediction.loss.hi and p.annealing_bonus > 0
    fig = fit.figure(0, [("cosine to 13.6T", isoflop.Schedule.llama("LLaMA-7B").with_total_tokens("13.6T"))])
    assert "<svg" in fig.svg


def test_lifetime_and_break_even():
    o = isoflop.lifetime_optimal(H, ("65.2B", "1.4T"), 0.0)
    co = isoflop.compute_optimal(H, o.training_flops)
    assert o.params == pytest.approx(co.params, rel=1e-3)  # zero demand: the training optimum
    opts = isoflop.lifetime_optima(H, ("65.2B", "1.4T"), [0, 1e12, 1e13, 1e14])
    sizes = [x.params for x in opts]
    assert sizes == sorted(sizes, reverse=True)
    be = isoflop.break_even_demand(H, "7B", ("65.2B", "1.4T"))
    assert be.demand is None or be.demand > 0
    assert isoflop.lifetime_figure(H, ("65.2B", "1.4T"), ["7B", "13B"])._repr_svg_()


def test_figures_save(tmp_path):
    fig = isoflop.compute_frontier_figure(H, ["1B", "10B", "70B"], budgets=["5.76e23"])
    out = tmp_path / "sub" / "frontier.svg"
    fig.save(out)
    assert out.read_text().startswith(fig.svg[:20])
    assert "Figure" in repr(fig)
    assert "<svg" in isoflop.isoflop_figure(H, ["1e20", "1e21"]).svg


def test_backtest_scoreboard():
    board = isoflop.backtest(curve_draws=50, bootstrap=10)
    df = board.to_pandas()
    assert {"hypothesis", "split", "mae", "bias", "coverage"} <= set(df.columns)
    assert (df["mae"] >= 0).all()
    assert len(board.records_to_pandas()) >= len(df)


def test_errors_are_one_hierarchy():
    for name in ["InvalidValueError", "ParseError", "UnknownNameError", "InsufficientDataError",
                 "NonIdentifiableError", "UnreachableError", "NotApplicableError",
                 "NonFiniteError", "FileAccessError", "InvalidInputError", "NumericalError",
                 "DrawingError", "CsvError", "JsonError", "MixedGroupsError"]:
        assert issubclass(getattr(isoflop, name), isoflop.IsoflopError)
    with pytest.raises(isoflop.ParseError) as e:
        isoflop.Params("6.7Q")
    assert "6.7Q" in str(e.value)
    with pytest.raises(ValueError):  # value errors are also ValueError
        isoflop.Params(-1)


def test_stubs_and_marker_ship_with_the_package():
    here = os.path.dirname(isoflop.__file__)
    assert os.path.exists(os.path.join(here, "py.typed"))
    assert os.path.exists(os.path.join(here, "__init__.pyi"))
