"""Result objects: attribute access over the crate's answer, its text and its HTML."""

import json

from . import _native

_BAND_KEYS = {"lo", "median", "hi", "level"}


class Band:
    """A percentile band: ``lo``, ``median``, ``hi`` at ``level`` (e.g. 0.9)."""

    __slots__ = ("lo", "median", "hi", "level")

    def __init__(self, lo, median, hi, level):
        self.lo, self.median, self.hi, self.level = lo, median, hi, level

    @property
    def width(self):
        """``hi - lo``."""
        return self.hi - self.lo

    def __contains__(self, x):
        return self.lo <= x <= self.hi

    def __iter__(self):
        return iter((self.lo, self.median, self.hi))

    def __eq__(self, other):
        return isinstance(other, Band) and tuple(self) + (self.level,) == tuple(other) + (other.level,)

    def to_dict(self):
        return {"lo": self.lo, "median": self.median, "hi": self.hi, "level": self.level}

    def _texts(self):
        return _native._band_text(self.lo, self.median, self.hi, self.level)

    def __repr__(self):
        return self._texts()[0]

    def _repr_html_(self):
        return self._texts()[1]


def wrap(value):
    """JSON values as Python objects: bands become Band, maps become Record."""
    if isinstance(value, dict):
        if set(value) == _BAND_KEYS:
            return Band(value["lo"], value["median"], value["hi"], value["level"])
        return Record(value)
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


class Record:
    """A nested part of a result: its fields are attributes (``r.loss.lo``) and keys
    (``r["loss"]``)."""

    def __init__(self, data):
        object.__setattr__(self, "_data", data)

    def __getattr__(self, name):
        data = object.__getattribute__(self, "_data")
        if name in data:
            return wrap(data[name])
        raise AttributeError(f"{type(self).__name__} has no field {name!r}; fields: {', '.join(data)}")

    def __getitem__(self, name):
        return wrap(self._data[name])

    def __contains__(self, name):
        return name in self._data

    def __dir__(self):
        return list(self._data) + [k for k in type(self).__dict__ if not k.startswith("__")]

    def keys(self):
        """The field names."""
        return self._data.keys()

    def to_dict(self):
        """The answer as plain Python values (what the crate serialises)."""
        return json.loads(json.dumps(self._data))

    def __eq__(self, other):
        return isinstance(other, Record) and self._data == other._data

    def __repr__(self):
        return f"{type(self).__name__}({self._data!r})"


class Result(Record):
    """An answer of the crate: fields as attributes, ``repr`` as the crate's text,
    ``_repr_html_`` as the crate's HTML (notebooks)."""

    def __init__(self, kind, js, text, html):
        super().__init__(json.loads(js))
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "_html", html)

    def __repr__(self):
        return self._text

    def __str__(self):
        return self._text

    def _repr_html_(self):
        return self._html


def _pandas():
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas is optional
        raise ImportError("to_pandas() needs pandas: pip install pandas") from None
    return pandas


def _flat_band(row, name, band):
    if band is None:
        row[f"{name}_lo"] = row[f"{name}_hi"] = None
    else:
        row[f"{name}_lo"], row[f"{name}_hi"] = band["lo"], band["hi"]


class Prediction(Result):
    """A loss prediction: ``point``, ``loss`` (a Band), ``extrapolation``, ``warnings``."""


class OptimalSplit(Result):
    """The compute-optimal split: ``params``, ``tokens`` (with bands), ``loss``."""


class TokensToReach(Result):
    """Tokens for a model to reach a target loss, with a band over the draws."""


class Probability(Result):
    """The fraction of parameter draws in which an event holds."""


class Overhead(Result):
    """The compute overhead of a model k_N times the optimal size (de Vries 2023)."""


class PlannedPrediction(Result):
    """A schedule-aware prediction: ``prediction``, ``profile``, ``annealing_bonus``,
    ``gain_over_constant``, ``plan``."""


class LifetimeOptimum(Result):
    """The size that reaches a target loss with the fewest lifetime FLOPs."""


class BreakEven(Result):
    """The inference demand above which a small model trained longer is cheaper."""


class PublishedRun(Result):
    """A published training run as its paper prints it."""


class Comparison(Result):
    """Several hypotheses' answers to one question; ``to_pandas()`` gives one row each."""

    def to_pandas(self):
        """One row per hypothesis: id, corpus, answer kind, point, band, warnings."""
        rows = []
        for r in self._data["rows"]:
            a = r["answer"]
            row = {"hypothesis": r["hypothesis"], "corpus": r.get("corpus"), "kind": a["kind"]}
            if a["kind"] == "loss":
                row.update(point=a["point"], lo=a["loss"]["lo"], median=a["loss"]["median"],
                           hi=a["loss"]["hi"], tokens=a["tokens"], flops=a["flops"],
                           warnings="; ".join(a["warnings"]), declined=None)
            elif a["kind"] == "tokens":
                b = a.get("tokens_band") or {}
                row.update(point=a["tokens"], lo=b.get("lo"), median=b.get("median"),
                           hi=b.get("hi"), tokens=a["tokens"], flops=a["flops"],
                           warnings="; ".join(a["warnings"]), declined=None)
            else:
                row.update(point=None, lo=None, median=None, hi=None, tokens=None, flops=None,
                           warnings="", declined=a["reason"])
            rows.append(row)
        return _pandas().DataFrame(rows)


class MethodComparison(Result):
    """Every fitting method on one sweep: a, b, N_opt, D_opt with bands, status."""

    def __init__(self, native):
        super().__init__(*native._record())
        object.__setattr__(self, "_native", native)

    def to_pandas(self):
        """One row per method."""
        rows = []
        for m in self._data["methods"]:
            row = {"method": m["method"], "status": m["status"]}
            for k in ("a", "b", "n_opt", "d_opt"):
                e = m[k]
                row[k] = None if e is None else e["value"]
                _flat_band(row, k, None if e is None else e["band"])
            row["objective"] = m["objective"]
            row["condition_number"] = m["condition_number"]
            rows.append(row)
        return _pandas().DataFrame(rows).set_index("method")

    def hypothesis(self, method="approach3", id=None):
        """A loss-law method's fit ("approach3" or "varpro") as a ChinchillaHypothesis."""
        from ._errors import _invalid
        if not isinstance(method, str) or not (id is None or isinstance(id, str)):
            raise _invalid("method", f"expected a method name and an optional id, got {method!r}, {id!r}")
        return self._native.hypothesis(method, id)

    def sweep_figure(self):
        """Figure: the runs, each budget's parabola and its minimum."""
        return self._native.sweep_figure()

    def optimal_size_figure(self):
        """Figure: N_opt(C) of every method, extrapolated to ``at`` with its band."""
        return self._native.optimal_size_figure()


class Scoreboard(Result):
    """The backtest: per hypothesis and split, MAE, bias, coverage; ``records`` and
    ``failures`` in full."""

    def to_pandas(self):
        """One row per (hypothesis, split)."""
        return _pandas().DataFrame(self._data["rows"])

    def records_to_pandas(self):
        """Every held-out prediction."""
        rows = []
        for r in self._data["records"]:
            row = {k: v for k, v in r.items() if k != "band"}
            _flat_band(row, "band", r.get("band"))
            rows.append(row)
        return _pandas().DataFrame(rows)


class ChinchillaFit(Result):
    """A Chinchilla law fitted by Hoffmann et al.'s protocol: ``law`` (e, a, b, alpha,
    beta), ``status``, ``converged``, ``diagnostics``, ``draws`` (bootstrap, (n, 5)
    array of E, A, B, alpha, beta) and ``hypothesis()`` for the queries."""

    def __init__(self, native):
        super().__init__(*native._record())
        object.__setattr__(self, "_native", native)

    @property
    def draws(self):
        """Bootstrap draws as an (n, 5) array: columns E, A, B, alpha, beta."""
        return self._native._draws()

    def hypothesis(self, id="my-law"):
        """The fit as a ChinchillaHypothesis (with the bootstrap's draws, if any)."""
        from ._errors import _invalid
        if not isinstance(id, str):
            raise _invalid("hypothesis id", f"expected a string, got {id!r}")
        return self._native.hypothesis(id)

    def confidence_band(self, params, tokens, level=0.9):
        """Band of the law's loss at (N, D) over the bootstrap draws."""
        return Band(*self._native._band(params, tokens, _level(level), False))

    def prediction_band(self, params, tokens, level=0.9):
        """Band of one new run's loss at (N, D): draws times a resampled residual."""
        return Band(*self._native._band(params, tokens, _level(level), True))

    def to_pandas(self):
        """The law's constants (and bootstrap standard errors, if any) as a table."""
        pd = _pandas()
        law = self._data["law"]
        se = (self._data.get("bootstrap") or {}).get("std_errors") or {}
        names = ["e", "a", "b", "alpha", "beta"]
        se_keys = ["E", "A", "B", "alpha", "beta"]  # the crate's serialised names
        return pd.DataFrame({"estimate": [law[k] for k in names],
                             "std_error": [se.get(k) for k in se_keys]}, index=names)


class ScheduleFit(Result):
    """A schedule-aware law fitted to one or more runs; ``hypothesis(run, plan)`` for
    ``predict_planned``, ``figure()`` for the curves."""

    def __init__(self, native):
        super().__init__(*native._record())
        object.__setattr__(self, "_native", native)

    def hypothesis(self, run=0, plan=None):
        """Run ``run``'s law planned on ``plan`` (default: its own schedule stretched)."""
        if plan is not None and not isinstance(plan, _native.Schedule):
            from ._errors import _invalid
            raise _invalid("plan", f"expected an isoflop.Schedule, got {plan!r}")
        return self._native.hypothesis(_run(run), plan)

    def final_miss(self, run=0):
        """How far the fit misses run ``run``'s final loss."""
        return Record(json.loads(self._native.final_miss(_run(run))))

    def figure(self, run=0, plans=(), samples=60, level=0.9):
        """Run ``run``'s curve and schedule with predicted curves for ``plans``
        (a list of (label, Schedule))."""
        from ._errors import _invalid
        plans = list(plans)
        for p in plans:
            if not (isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str)
                    and isinstance(p[1], _native.Schedule)):
                raise _invalid("plans", f"expected (label, Schedule) pairs, got {p!r}")
        return self._native.figure(_run(run), plans, _run(samples), _level(level))


def _run(x):
    from ._errors import _invalid
    if isinstance(x, bool) or not isinstance(x, int) or x < 0:
        raise _invalid("index", f"expected a whole number >= 0, got {x!r}")
    return x


def _level(x):
    from ._errors import _invalid
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise _invalid("band level", f"expected a number in (0, 1), got {x!r}")
    return float(x)


KINDS = {c.__name__: c for c in (Prediction, OptimalSplit, TokensToReach, Probability,
                                  Overhead, PlannedPrediction, LifetimeOptimum, BreakEven,
                                  PublishedRun, Comparison, Scoreboard)}


def make(rec):
    """A (kind, json, text, html) record as its result class."""
    return KINDS.get(rec[0], Result)(*rec)
