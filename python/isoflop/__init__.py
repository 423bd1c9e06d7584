"""isoflop from Python: compute-budget questions about training language models.

FLOPs, GPU-hours, loss under competing scaling-law hypotheses, fits with bootstrap
bands, schedule-aware laws and lifetime (training plus inference) budgets; every number
comes from the isoflop Rust crate, whose names this package follows.

>>> import isoflop
>>> h = isoflop.ChinchillaHypothesis.hoffmann2022()
>>> p = isoflop.predict(h, "6.7B", "1.4T")
>>> round(p.loss.median, 3)
2.062

Sizes, token and FLOP counts are numbers or strings as the field writes them ("6.7B",
"1.4T", "5.48e23"). ``h.loss(n, d)`` takes numpy arrays of any shapes that broadcast.
Errors are :class:`IsoflopError` subclasses carrying the crate's message.
"""

import csv as _csv
import io as _io
import os as _os

import numpy as _np

from . import _native
from ._errors import *  # noqa: F401,F403
from ._errors import __all__ as _error_names
from ._errors import _invalid, _warn_fit
from ._native import (
    ChinchillaHypothesis,
    Cluster,
    Continuation,
    DataConstrainedHypothesis,
    Figure,
    Hypothesis,
    KaplanHypothesis,
    Schedule,
    ScheduleAwareHypothesis,
)
from ._results import (
    Band,
    BreakEven,
    ChinchillaFit,
    Comparison,
    LifetimeOptimum,
    MethodComparison,
    OptimalSplit,
    Overhead,
    PlannedPrediction,
    Prediction,
    Probability,
    PublishedRun,
    Record,
    Result,
    ScheduleFit,
    Scoreboard,
    TokensToReach,
    make as _make,
)

__version__ = _native.__version__

#: The LLaMA-1 models with bundled loss curves (Touvron et al. 2023, Fig. 1).
LLAMA_MODELS = ("LLaMA-7B", "LLaMA-13B", "LLaMA-33B", "LLaMA-65B")


# ---------------------------------------------------------------- units

class _Quantity(float):
    """A float that prints as the field writes it ("6.7B")."""

    _kind = ""
    __slots__ = ()

    def __new__(cls, value):
        v, text = _native._unit(cls._kind, value)
        obj = super().__new__(cls, v)
        return obj

    def __repr__(self):
        return _native._unit(self._kind, float(self))[1]

    __str__ = __repr__


class Params(_Quantity):
    """A parameter count from a number or a string ("6.7B"); a float that prints as
    "6.7B". Raises for NaN, infinite, zero or negative values."""

    _kind = "params"
    __slots__ = ()


class Tokens(_Quantity):
    """A token count from a number or a string ("1.4T")."""

    _kind = "tokens"
    __slots__ = ()


class Flops(_Quantity):
    """A FLOP count from a number or a string ("5.48e23")."""

    _kind = "flops"
    __slots__ = ()


def training_flops(params, tokens):
    """Training compute C = 6ND (Kaplan et al. 2020; Hoffmann et al. 2022), as Flops."""
    return Flops(_native.training_flops(params, tokens)[0])


def tokens_for_flops(params, flops):
    """Tokens a budget buys a model: D = C / 6N, as Tokens."""
    return Tokens(_native.tokens_for_flops(params, flops)[0])


# ---------------------------------------------------------------- queries

def predict(h, params, tokens, level=0.9):
    """Loss of a model of ``params`` trained on ``tokens`` under hypothesis ``h``: a
    Prediction with ``.loss`` (a Band: ``lo``, ``median``, ``hi``), ``.point``,
    ``.extrapolation`` and ``.warnings``."""
    return _make(_native.predict(h, params, tokens, level))


def predict_at_compute(h, params, flops, level=0.9):
    """Loss of a model of ``params`` given a budget of ``flops`` (D = C / 6N)."""
    return _make(_native.predict_at_compute(h, params, flops, level))


def predict_with_compute_of(h, params, other_params, other_tokens, level=0.9):
    """Loss of ``params`` given the compute of another model (``other_params`` trained
    on ``other_tokens``): e.g. LLaMA-7B with LLaMA-65B's compute."""
    return _make(_native.predict_with_compute_of(h, params, other_params, other_tokens, level))


def compute_optimal(h, flops, level=0.9):
    """The compute-optimal split of ``flops`` under ``h``: an OptimalSplit with
    ``params``, ``tokens`` (bands over the draws) and the loss there."""
    return _make(_native.compute_optimal(h, flops, level))


def compute_overhead(h, k_n, level=0.9):
    """The compute overhead of a model ``k_n`` times the optimal size trained to the
    optimal model's loss (de Vries 2023)."""
    return _make(_native.compute_overhead(h, k_n, level))


def tokens_to_reach(h, params, target, level=0.9):
    """Tokens (and compute) for a model of ``params`` to reach loss ``target``, with a
    band over the draws that can reach it. Raises UnreachableError below the floor."""
    return _make(_native.tokens_to_reach(h, params, target, level))


def probability_below(h, params, tokens, threshold):
    """P(loss < ``threshold``) over ``h``'s parameter draws."""
    return _make(_native.probability_below(h, params, tokens, threshold))


def probability_lower(h, a, b):
    """P(model ``a`` has a lower loss than model ``b``); each a (params, tokens) pair."""
    _pair(a, "model a")
    _pair(b, "model b")
    return _make(_native.probability_lower(h, a[0], a[1], b[0], b[1]))


def probability_small_beats_large(h, small, large, large_tokens):
    """P(a model of ``small`` params given the compute of ``large`` trained on
    ``large_tokens`` has the lower loss)."""
    return _make(_native.probability_small_beats_large(h, small, large, large_tokens))


def _pair(x, what):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise _invalid(what, f"expected a (params, tokens) pair, got {x!r}")


def compare(hypotheses, params, tokens=None, flops=None, target=None, level=0.9):
    """Puts one question to every hypothesis: the loss of ``params`` trained on
    ``tokens``, or given ``flops``, or the tokens to reach ``target`` (give exactly
    one). A hypothesis that cannot answer gets a declined row saying why. Returns a
    Comparison (``to_pandas()`` for a DataFrame)."""
    given = [(k, v) for k, v in (("loss_at", tokens), ("loss_at_compute", flops),
                                 ("tokens_to_reach", target)) if v is not None]
    if len(given) != 1:
        raise _invalid("question", "give exactly one of tokens=, flops= or target=")
    if isinstance(hypotheses, Hypothesis):
        hypotheses = [hypotheses]
    kind, x = given[0]
    return _make(_native.compare(hypotheses, kind, params, x, level))


# ---------------------------------------------------------------- lifetime

def lifetime_optimal(h, target, demand, level=0.9):
    """The model size reaching ``target`` with the fewest lifetime FLOPs (training 6ND
    plus serving 2N per token) at ``demand`` served tokens (Sardana et al. 2024).
    ``target`` is a loss or a (params, tokens) pair: "that model's loss as trained"."""
    return _make(_native.lifetime_optimal(h, target, demand, level))


def lifetime_optima(h, target, demands, level=0.9):
    """``lifetime_optimal`` at each of ``demands``: a list of LifetimeOptimum."""
    d = _np.ascontiguousarray(_np.asarray(demands, dtype=_np.float64).reshape(-1))
    return [_make(r) for r in _native.lifetime_optima(h, target, d, level)]


def break_even_demand(h, small, reference, level=0.9):
    """The served-token demand above which ``small`` params trained to the loss of
    ``reference`` (a (params, tokens) pair) is cheaper over its life."""
    _pair(reference, "reference model")
    return _make(_native.break_even_demand(h, small, reference[0], reference[1], level))


# ---------------------------------------------------------------- schedules

def predict_planned(h, params, tokens, level=0.9):
    """The loss of a schedule-aware hypothesis' model at the end of its plan stretched
    to ``tokens``, with band, identifiability profile and annealing bonus."""
    return _make(_native.predict_planned(h, params, tokens, level))


def llama_run(model):
    """A bundled LLaMA-1 curve with its published schedule, as a run for
    ``fit_schedule_law``: (model, params, tokens, losses, Schedule)."""
    params, tokens, losses = _native._llama_curve(model)
    return (model, params, _np.asarray(tokens), _np.asarray(losses), Schedule.llama(model))


def fit_schedule_law(runs, form="annealing-law", draws=100, seed=20230227, start=None,
                     until=None):
    """Fits a schedule-aware law ("annealing-law": Tissue et al. 2024; "multi-power-law":
    Luo et al. 2025) to ``runs``: each a (model, params, tokens, losses, Schedule) tuple
    (or a LLaMA model name). Several runs fit one law jointly. A fit whose status is not
    Converged warns (FitWarning)."""
    if isinstance(runs, (str, tuple)):
        runs = [runs]
    if not isinstance(runs, list):
        raise _invalid("runs", f"expected a run, a LLaMA model name or a list of them, got {runs!r}")
    prepared = []
    for r in runs:
        if isinstance(r, str):
            r = llama_run(r)
        _name(r[0] if isinstance(r, (tuple, list)) and r else None, "run's model name")
        if not isinstance(r, (tuple, list)) or len(r) != 5:
            raise _invalid("run", "expected a (model, params, tokens, losses, Schedule) tuple "
                                  "or a LLaMA model name")
        model, params, tokens, losses, schedule = r
        if not isinstance(schedule, Schedule):
            raise _invalid("run", f"its fifth element must be an isoflop.Schedule, got {schedule!r}")
        prepared.append((model, params, _float_vector(tokens, "tokens"),
                         _float_vector(losses, "losses"), schedule))
    fit = ScheduleFit(_native.fit_schedule_law(prepared, _name(form, "schedule-law form"),
                                               _count(draws, "draws"), _count(seed, "seed"),
                                               start, until))
    if fit.status != "Converged":
        _warn_fit(fit.status, "; ".join(fit.diagnostics.at_bound) or "see the diagnostics")
    return fit


def _list(x, what):
    if isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise _invalid(what, f"expected a list, got {x!r}")
    return list(x)


def _arrays_as(x, kind):
    from ._arrays import as_array
    return as_array(x, kind)


def _float_vector(x, what):
    from ._arrays import as_array
    a = as_array(x, "loss" if what == "losses" else "tokens")
    return _np.ascontiguousarray(a, dtype=_np.float64).reshape(-1)


# ---------------------------------------------------------------- data and fits

def chinchilla_runs(replication=True, as_frame=False):
    """The bundled Chinchilla runs (Epoch AI's digitisation of Hoffmann et al. 2022,
    Fig. 4) with columns N, D, loss; ``replication`` drops the 5 highest losses as
    Besiroglu et al. 2024 did. A dict of arrays, or a DataFrame with ``as_frame``."""
    n, d, loss = _native._chinchilla_runs(replication)
    data = {"N": _np.asarray(n), "D": _np.asarray(d), "loss": _np.asarray(loss)}
    if as_frame:
        import pandas as pd
        return pd.DataFrame(data)
    return data


def llama_curve(model):
    """A bundled LLaMA-1 training-loss curve (Touvron et al. 2023, Fig. 1): a dict with
    ``params``, ``tokens`` and ``loss`` arrays."""
    params, tokens, losses = _native._llama_curve(model)
    return {"params": params, "tokens": _np.asarray(tokens), "loss": _np.asarray(losses)}


def llama_model(model):
    """A LLaMA-1 model's (params, tokens) as released (Touvron et al. 2023, Table 2)."""
    n, d = _native._llama_model(model)
    return Params(n), Tokens(d)


def published_run(name):
    """A published training run ("LLaMA-65B", "Chinchilla", "Llama-2-70B", ...)."""
    return _make(_native.published_run(name))


def _csv_field(v):
    if isinstance(v, str):
        return v
    if v is None:
        return ""
    if isinstance(v, (bool, _np.bool_)):
        raise _invalid("table value", f"expected a number or a string, got a bool ({v})")
    try:
        return repr(float(v))
    except (TypeError, ValueError):
        raise _invalid("table value", f"expected a number or a string, got {type(v).__name__}") from None


def _source(data):
    """("csv", text) or ("path", path) from a DataFrame, a dict of columns or a path."""
    if isinstance(data, (str, _os.PathLike)):
        return "path", _os.fspath(data)
    if data is None:
        raise _invalid("runs", "expected a pandas DataFrame, a dict of arrays or a CSV path, got None")
    if hasattr(data, "to_csv") and hasattr(data, "columns"):
        if len(data.columns) == 0:
            raise _invalid("runs", "the DataFrame has no columns; expected N (or params), D (or tokens) or C, loss")
        cols = [str(c) for c in data.columns]
        data = {c: data[c].to_numpy() for c in cols}
    if not isinstance(data, dict):
        raise _invalid("runs", f"expected a pandas DataFrame, a dict of arrays or a CSV path, got {type(data).__name__}")
    columns = []
    for k, v in data.items():
        if isinstance(v, (str, bytes)) or _np.ndim(v) == 0:
            raise _invalid("runs", f"column {k!r} is not a sequence")
        columns.append((str(k), list(_np.asarray(v, dtype=object).reshape(-1))))
    lengths = {len(v) for _, v in columns}
    if len(lengths) > 1:
        detail = ", ".join(f"{k}: {len(v)}" for k, v in columns)
        raise _invalid("runs", f"columns of different lengths ({detail})")
    out = _io.StringIO()
    w = _csv.writer(out, lineterminator="\n")
    w.writerow([k for k, _ in columns])
    for row in zip(*[v for _, v in columns]):
        w.writerow([_csv_field(x) for x in row])
    return "csv", out.getvalue()


def _groups(group):
    if group is None:
        return []
    if isinstance(group, str):
        return [group]
    if not isinstance(group, (list, tuple)) or not all(isinstance(g, str) for g in group):
        raise _invalid("group", f"expected a column name or a list of them, got {group!r}")
    return list(group)


def _count(x, what):
    """A whole number >= 0, or InvalidInputError."""
    if isinstance(x, (bool, _np.bool_)) or not isinstance(x, (int, _np.integer)) or x < 0:
        raise _invalid(what, f"expected a whole number >= 0, got {x!r}")
    return int(x)


def _name(x, what):
    if not isinstance(x, str):
        raise _invalid(what, f"expected a string, got {x!r}")
    return x


def _opt_name(x, what):
    return None if x is None else _name(x, what)


def fit_chinchilla(data, group=None, budget_column=None, pool=False, strategy="screened",
                   bootstrap=0, seed=42):
    """Fits L = E + A/N^alpha + B/D^beta with Hoffmann et al. 2022's protocol (Huber on
    log-loss, L-BFGS from their 4,500-start grid; ``strategy="screened"`` refines the 32
    best starts, ``"full_grid"`` runs all) to ``data``: a pandas DataFrame, a dict of
    arrays or a CSV path with columns N (or params), D (or tokens) or C, and loss; sizes
    may be strings ("6.7B"). A table with grouping columns (``dataset``, ``experiment``,
    ``condition``, ``group``, or those named by ``group``) is refused unless ``pool``.
    ``bootstrap`` > 0 adds that many seeded bootstrap refits (bands, ``draws``).

    A fit that did not converge is returned with a FitWarning, and its status on every
    prediction made from it."""
    kind, src = _source(data)
    fit = ChinchillaFit(_native.fit_chinchilla(
        kind, src, _groups(group), _opt_name(budget_column, "budget column"), bool(pool),
        _name(strategy, "strategy"), _count(bootstrap, "bootstrap replicates"), _count(seed, "seed")))
    if not fit.converged:
        _warn_fit(fit.status, fit.advice)
    return fit


def fit_sweep(data, group=None, budget_column=None, at=None, level=0.9, draws=200, seed=0,
              by_group=False, pool=False):
    """Every fitting method on an isoFLOP sweep, side by side: Hoffmann et al.'s
    Approaches 1, 2 and 3 and variable projection, with a, b, N_opt and D_opt at ``at``
    FLOPs (default: the largest budget) and ``draws`` bootstrap bands. Budgets come
    from ``budget_column`` or from clustering 6ND. ``data`` as for fit_chinchilla.

    Returns a MethodComparison, or with ``by_group`` a dict of them by group name."""
    kind, src = _source(data)
    fits = _native.fit_sweep(kind, src, _groups(group), _opt_name(budget_column, "budget column"),
                             at, level, _count(draws, "bootstrap draws"), _count(seed, "seed"),
                             bool(by_group), bool(pool))
    results = [MethodComparison(f) for f in fits]
    if by_group:
        return {r.name: r for r in results}
    return results[0]


def backtest(seed=42, curve_draws=1000, bootstrap=200, level=0.9):
    """Fits each hypothesis on part of the bundled data and scores it on the rest: a
    Scoreboard (``to_pandas()``) of MAE, bias and band coverage per hypothesis and split."""
    return _make(_native.backtest(_count(seed, "seed"), _count(curve_draws, "curve draws"),
                                  _count(bootstrap, "bootstrap replicates"), level))


# ---------------------------------------------------------------- figures

def compute_frontier_figure(h, sizes, budgets=None):
    """Figure: loss against compute for ``sizes`` under a Chinchilla hypothesis, with the
    compute-optimal frontier and optional marked ``budgets``."""
    return _native.compute_frontier_figure(h, _list(sizes, "sizes"),
                                           None if budgets is None else _list(budgets, "budgets"))


def isoflop_figure(h, budgets, steps=25, level=0.9):
    """Figure: IsoFLOP profiles (loss against size at fixed compute), with bands."""
    return _native.isoflop_figure(h, _list(budgets, "budgets"), _count(steps, "steps"), level)


def llama_curves_figure(shared=(), draws=200, level=0.9):
    """Figure: the LLaMA-1 curves extended to the 65B's compute under each continuation
    and the ``shared`` hypotheses."""
    return _native.llama_curves_figure(_list(shared, "hypotheses"), _count(draws, "draws"), level)


def lifetime_figure(h, target, sizes, demands=(1e9, 1e15), level=0.9):
    """Figure: lifetime FLOPs against served tokens for ``sizes`` reaching ``target``."""
    if not isinstance(demands, (tuple, list)) or len(demands) != 2:
        raise _invalid("demand range", f"expected a (lo, hi) pair, got {demands!r}")
    lo, hi = (float(_np.asarray(_arrays_as(x, "flops"))) for x in demands)
    return _native.lifetime_figure(h, target, _list(sizes, "sizes"), (lo, hi), level)


__all__ = [
    "Band", "BreakEven", "ChinchillaFit", "ChinchillaHypothesis", "Cluster", "Comparison",
    "Continuation", "DataConstrainedHypothesis", "Figure", "Flops", "Hypothesis",
    "KaplanHypothesis", "LLAMA_MODELS", "LifetimeOptimum", "MethodComparison", "OptimalSplit",
    "Overhead", "Params", "PlannedPrediction", "Prediction", "Probability", "PublishedRun",
    "Record", "Result", "Schedule", "ScheduleAwareHypothesis", "ScheduleFit", "Scoreboard",
    "Tokens", "TokensToReach", "backtest", "break_even_demand", "chinchilla_runs", "compare",
    "compute_frontier_figure", "compute_optimal", "compute_overhead", "fit_chinchilla",
    "fit_schedule_law", "fit_sweep", "isoflop_figure", "lifetime_figure", "lifetime_optima",
    "lifetime_optimal", "llama_curve", "llama_curves_figure", "llama_model", "llama_run",
    "predict", "predict_at_compute", "predict_planned", "predict_with_compute_of",
    "probability_below", "probability_lower", "probability_small_beats_large",
    "published_run", "tokens_for_flops", "tokens_to_reach", "training_flops",
] + list(_error_names)
