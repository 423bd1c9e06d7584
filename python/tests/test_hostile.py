"""Hostile input through every entry point: always a documented isoflop exception
(an IsoflopError subclass), never a crash, a panic, a silent NaN or a bare TypeError."""

import math
import warnings

import numpy as np
import pytest

import isoflop

H = isoflop.ChinchillaHypothesis.hoffmann2022()
BAD_SIZES = [float("nan"), float("inf"), -1.0, 0.0, None, "abc", "6.7Q", "", [1, 2], object(),
             True, {"n": 1}]
BAD_LEVELS = [float("nan"), 0.0, 1.0, 1.5, -0.1, None, "0.9", object()]


def raises(fn, *args, **kwargs):
    with pytest.raises(isoflop.IsoflopError):
        fn(*args, **kwargs)


@pytest.mark.parametrize("bad", BAD_SIZES)
def test_bad_sizes_everywhere(bad):
    B = isoflop.ChinchillaHypothesis.besiroglu2024_published()
    for fn, args in [
        (isoflop.Params, (bad,)), (isoflop.Tokens, (bad,)), (isoflop.Flops, (bad,)),
        (isoflop.training_flops, (bad, "1T")), (isoflop.training_flops, ("7B", bad)),
        (isoflop.tokens_for_flops, (bad, "1e22")),
        (isoflop.predict, (H, bad, "1T")), (isoflop.predict, (H, "7B", bad)),
        (isoflop.predict_at_compute, (H, "7B", bad)),
        (isoflop.predict_with_compute_of, (H, "7B", bad, "1T")),
        (isoflop.compute_optimal, (H, bad)),
        (isoflop.tokens_to_reach, (H, bad, 2.0)),
        (isoflop.probability_below, (B, bad, "1T", 2.0)),
        (isoflop.probability_lower, (B, (bad, "1T"), ("7B", "1T"))),
        (isoflop.probability_small_beats_large, (B, "7B", bad, "1T")),
        (isoflop.lifetime_optimal, (H, (bad, "1T"), 1e12)),
        (isoflop.break_even_demand, (H, bad, ("65B", "1.4T"))),
        (H.floor, (bad,)),
        (H.draws, (bad, 1e12)),
        (isoflop.DataConstrainedHypothesis.muennighoff2023, (bad,)),
        (isoflop.KaplanHypothesis.kaplan2020_with_embeddings, (bad,)),
        (isoflop.Schedule.cosine, (3e-4, 2000, 10000, bad)),
        (isoflop.Cluster("A100-80GB", 8, mfu=0.4).gpu_hours, (bad, "1T")),
    ]:
        raises(fn, *args)
    if not isinstance(bad, list):  # a list is an array of sizes to these
        for fn, args in [(H.loss, (bad, 1e12)), (H.loss, (1e9, bad)),
                         (H.tokens_for_loss, (bad, 2.1)), (H.optimal, (bad,))]:
            raises(fn, *args)


def test_compare_with_bad_question_values():
    for bad in BAD_SIZES:
        raises(isoflop.compare, [H], bad, tokens="1T")
        raises(isoflop.compare, [H], "7B", flops=bad)
    raises(isoflop.compare, [H], "7B")  # no question
    raises(isoflop.compare, [H], "7B", tokens="1T", flops="1e22")  # two questions
    raises(isoflop.compare, [H, 3], "7B", tokens="1T")  # not a hypothesis
    raises(isoflop.compare, None, "7B", tokens="1T")


@pytest.mark.parametrize("bad", BAD_LEVELS)
def test_bad_levels_everywhere(bad):
    for fn, args in [(isoflop.predict, (H, "7B", "1T")), (isoflop.predict_at_compute, (H, "7B", "1e22")),
                     (isoflop.compute_optimal, (H, "1e22")), (isoflop.tokens_to_reach, (H, "7B", 2.1)),
                     (isoflop.compute_overhead, (H, 0.5)),
                     (isoflop.lifetime_optimal, (H, 2.0, 1e12)),
                     (isoflop.break_even_demand, (H, "7B", ("65B", "1.4T")))]:
        raises(fn, *args, bad)


@pytest.mark.parametrize("bad", [float("nan"), -1.0, 0.0, None, "x", object(), float("inf")])
def test_bad_targets_thresholds_and_demands(bad):
    raises(isoflop.tokens_to_reach, H, "7B", bad)
    raises(isoflop.lifetime_optimal, H, bad, 1e12)
    raises(isoflop.compute_overhead, H, bad)
    if not (isinstance(bad, float) and bad == 0.0):
        raises(isoflop.lifetime_optimal, H, 2.0, bad if bad != 0.0 else -1.0)
    raises(H.tokens_for_loss, 7e9, bad)


def test_wrong_hypothesis_arguments():
    for bad in [None, 1.0, "hoffmann2022", object(), [H]]:
        raises(isoflop.predict, bad, "7B", "1T")
        raises(isoflop.compute_optimal, bad, "1e22")
        raises(isoflop.predict_planned, bad, "7B", "1T")
        raises(isoflop.lifetime_figure, bad, 2.0, ["7B"])
    # A hypothesis that is not schedule-aware cannot be planned; not Chinchilla-form: no split.
    raises(isoflop.predict_planned, H, "7B", "1T")
    raises(isoflop.compute_optimal, isoflop.KaplanHypothesis.kaplan2020(), "1e22")
    raises(isoflop.KaplanHypothesis.kaplan2020().optimal, 1e22)


def test_arrays_mismatched_shapes_and_bad_elements():
    raises(H.loss, np.ones(3), np.ones(4))
    raises(H.loss, np.ones((2, 3)), np.ones((3, 2)))
    raises(H.loss, np.array([1e9, np.nan]), 1e12)
    raises(H.loss, np.array([1e9, -5.0]), 1e12)
    raises(H.loss, np.array([1e9, np.inf]), 1e12)
    raises(H.loss, [[1e9, 2e9], [3e9]], 1e12)  # ragged
    raises(H.loss, np.array([True, False]), 1e12)
    raises(H.loss, np.array(["7B", "oops"]), 1e12)
    raises(H.loss, np.array([1 + 2j]), 1e12)
    raises(H.tokens_for_loss, np.ones(2) * 7e9, np.array([2.1, 2.2, 2.3]))
    raises(H.tokens_for_loss, 7e9, 1.5)  # below the floor: UnreachableError
    raises(H.optimal, np.array([1e22, -1.0]))
    # Empty arrays are fine and give empty answers.
    assert H.loss(np.array([]), np.array([])).shape == (0,)
    assert H.optimal(np.array([]))[0].shape == (0,)


def test_overflow_is_an_error_not_a_nan():
    k = isoflop.ChinchillaHypothesis(1.0, 1e300, 1e300, 1.0, 1.0)
    raises(k.loss, 1e-300, 1e-300)
    raises(k.loss, np.array([1e9, 1e-300]), 1e12)


def test_constructor_validation():
    raises(isoflop.ChinchillaHypothesis, float("nan"), 406.4, 410.7, 0.34, 0.28)
    raises(isoflop.ChinchillaHypothesis, 1.69, -1, 410.7, 0.34, 0.28)
    raises(isoflop.ChinchillaHypothesis, 1.69, 406.4, 410.7, None, 0.28)
    raises(isoflop.ChinchillaHypothesis, 1.69, 406.4, 410.7, 0.34, 0.28, id="")
    raises(isoflop.ChinchillaHypothesis, 1.69, 406.4, 410.7, 0.34, 0.28, id=5)
    raises(isoflop.ChinchillaHypothesis.besiroglu2024, -1)
    raises(isoflop.ChinchillaHypothesis.besiroglu2024, 1.5)
    raises(isoflop.Continuation.llama, "LLaMA-8B", "linear-in-log-tokens")
    raises(isoflop.Continuation.llama, "LLaMA-7B", "quadratic")
    raises(isoflop.Continuation.llama, None, "linear-in-log-tokens")
    raises(isoflop.Continuation.llama, "LLaMA-7B", "linear-in-log-tokens", draws=-3)
    raises(isoflop.Continuation.llama, "LLaMA-7B", "linear-in-log-tokens", draws=1)
    raises(isoflop.Continuation.fit, "mine", "1B", [1e9, 2e9], [3.0], "power-law-floor")
    raises(isoflop.Continuation.fit, "mine", "1B", [1e9, 2e9], [3.0, float("nan")], "power-law-floor")
    raises(isoflop.Continuation.fit, "mine", "1B", None, None, "power-law-floor")
    raises(isoflop.Continuation.fit, "mine", "1B", [], [], "power-law-floor")


def test_schedules_and_clusters():
    raises(isoflop.Schedule.cosine, float("nan"), 2000, 10000, "4M")
    raises(isoflop.Schedule.cosine, 3e-4, -1, 10000, "4M")
    raises(isoflop.Schedule.cosine, 3e-4, 2000.5, 10000, "4M")
    raises(isoflop.Schedule.cosine, 3e-4, 2000, 10000, "4M", final_fraction=2.0)
    raises(isoflop.Schedule.cosine, 3e-4, 20000, 10000, "4M")
    raises(isoflop.Schedule.wsd, 3e-4, 100, 1000, 200, "4M", cooldown="cubic")
    raises(isoflop.Schedule.explicit, [1e-4, float("nan")], 0, "4M")
    raises(isoflop.Schedule.explicit, "abc", 0, "4M")
    raises(isoflop.Schedule.llama, "GPT-3")
    s = isoflop.Schedule.llama("LLaMA-7B")
    raises(s.with_total_tokens, -1)
    raises(s.with_total_steps, None)
    raises(s.lr, -1)
    raises(s.lr, 1.5)
    raises(isoflop.Cluster, "H100", 8)  # no utilisation
    raises(isoflop.Cluster, "H100", 8, mfu=0.4, tokens_per_second=100)
    raises(isoflop.Cluster, "H100", 8, mfu=1.5)
    raises(isoflop.Cluster, "H100", 0, mfu=0.4)
    raises(isoflop.Cluster, "H100", -8, mfu=0.4)
    raises(isoflop.Cluster, "TPU-v9", 8, mfu=0.4)
    raises(isoflop.Cluster, None, 8, mfu=0.4)
    raises(isoflop.Cluster, "H100", 8, precision="fp3", mfu=0.4)
    raises(isoflop.Cluster("H100", 8, mfu=0.4).flops_in, -1)
    raises(isoflop.published_run, "GPT-5")
    raises(isoflop.published_run, None)
    raises(isoflop.llama_curve, "LLaMA-8B")


FRAMES = None


def _frames():
    import pandas as pd
    good = isoflop.chinchilla_runs(as_frame=True)
    nan = good.copy()
    nan.loc[3, "loss"] = float("nan")
    neg = good.copy()
    neg.loc[5, "N"] = -1.0
    text = good.astype(object).copy()
    text.loc[7, "D"] = "lots"
    return {
        "empty frame": pd.DataFrame(),
        "empty rows": good.iloc[:0],
        "no loss column": good[["N", "D"]],
        "NaN loss": nan,
        "negative size": neg,
        "text in a number column": text,
        "ragged dict": {"N": [1e9, 2e9], "D": [1e10], "loss": [3.0, 2.9]},
        "scalar column": {"N": 1e9, "D": [1e10], "loss": [3.0]},
        "bool values": {"N": [True, False], "D": [1e10, 2e10], "loss": [3.0, 2.9]},
        "None": None,
        "a number": 42,
        "a list": [1, 2, 3],
        "missing file": "/nonexistent/runs.csv",
    }


def test_degenerate_tables():
    import pandas as pd
    one_size = pd.DataFrame({"N": [1e9] * 10, "D": np.geomspace(1e9, 1e11, 10),
                             "loss": np.linspace(3, 2.5, 10)})
    one_run = isoflop.chinchilla_runs(as_frame=True).iloc[:1]
    for data in (one_size, one_run):
        raises(isoflop.fit_chinchilla, data)
        # Every method reports its own failure, as the crate does: no silent answer.
        s = isoflop.fit_sweep(data, draws=2)
        assert all(m.failed for m in s.methods), s.to_pandas()


@pytest.mark.parametrize("case", list(_frames()))
def test_bad_tables_for_every_fit(case):
    data = _frames()[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", isoflop.FitWarning)
        raises(isoflop.fit_chinchilla, data)
        raises(isoflop.fit_sweep, data, draws=2)


def test_bad_fit_options():
    df = isoflop.chinchilla_runs(as_frame=True)
    raises(isoflop.fit_chinchilla, df, bootstrap=-1)
    raises(isoflop.fit_chinchilla, df, bootstrap=2.5)
    raises(isoflop.fit_chinchilla, df, seed=None)
    raises(isoflop.fit_chinchilla, df, strategy="magic")
    raises(isoflop.fit_chinchilla, df, strategy=None)
    raises(isoflop.fit_chinchilla, df, group=3)
    raises(isoflop.fit_chinchilla, df, budget_column=3)
    raises(isoflop.fit_sweep, df, level=2.0, draws=2)
    raises(isoflop.fit_sweep, df, at=-1, draws=2)
    raises(isoflop.fit_sweep, df, budget_column="nope", draws=2)
    grouped = df.assign(dataset=np.where(np.arange(len(df)) % 2 == 0, "a", "b"))
    with pytest.raises(isoflop.MixedGroupsError):
        isoflop.fit_chinchilla(grouped)
    with pytest.raises(isoflop.MixedGroupsError):
        isoflop.fit_sweep(grouped, draws=2)
    raises(isoflop.backtest, seed=-1)
    raises(isoflop.backtest, curve_draws=1)
    raises(isoflop.fit_schedule_law, "LLaMA-8B")
    raises(isoflop.fit_schedule_law, "LLaMA-7B", form="quadratic-law")
    raises(isoflop.fit_schedule_law, ("m", "1B", [1, 2], [3, 2], "not a schedule"))
    raises(isoflop.fit_schedule_law, 42)
    raises(isoflop.fit_schedule_law, [])


def test_figures_validate():
    raises(isoflop.isoflop_figure, H, [])
    raises(isoflop.isoflop_figure, H, ["1e21"], steps=-1)
    raises(isoflop.isoflop_figure, H, "1e21")
    raises(isoflop.compute_frontier_figure, isoflop.KaplanHypothesis.kaplan2020(), ["1B"])
    raises(isoflop.compute_frontier_figure, H, [None])
    raises(isoflop.lifetime_figure, H, 2.0, ["7B"], demands=(10, 1))
    raises(isoflop.lifetime_figure, H, 2.0, ["7B"], demands=None)
    fig = isoflop.compute_frontier_figure(H, ["1B", "10B"])
    raises(fig.save, "/proc/forbidden/x.svg")
