"""isoflop's exceptions: one base class, one subclass per kind of ``isoflop::Error``.

Every error raised by isoflop is an :class:`IsoflopError`; its text is the crate's
message, which says what was wrong and what is allowed. Errors about a bad value are
also :class:`ValueError`, so ``except ValueError`` keeps working.
"""

import warnings as _warnings


class IsoflopError(Exception):
    """Base class of every isoflop error."""


class InvalidValueError(IsoflopError, ValueError):
    """A number out of its allowed range (NaN, infinite, negative, zero, ...)."""


class ParseError(IsoflopError, ValueError):
    """A string that could not be parsed (e.g. ``"6.7Q"`` as a parameter count)."""


class UnknownNameError(IsoflopError, ValueError):
    """A name (accelerator, preset, model, form) that is not in the catalog."""


class InsufficientDataError(IsoflopError, ValueError):
    """Too little (or too degenerate) data for the operation (e.g. an empty frame)."""


class NonIdentifiableError(IsoflopError):
    """A fit that cannot determine its parameters from the data given."""


class UnreachableError(IsoflopError, ValueError):
    """A target loss that a hypothesis cannot reach (e.g. at or below its floor)."""


class NotApplicableError(IsoflopError, ValueError):
    """An operation that does not apply to this input."""


class NonFiniteError(IsoflopError, ArithmeticError):
    """A computation that overflowed or produced a non-finite number."""


class FileAccessError(IsoflopError, OSError):
    """Reading or writing a file failed."""


class InvalidInputError(IsoflopError, ValueError):
    """An input that is not a single out-of-range number: a wrong type, None, arrays of
    shapes that do not broadcast, a record or a set of options that do not fit together."""


class NumericalError(IsoflopError):
    """A numerical method that failed on valid input."""


class DrawingError(IsoflopError):
    """Drawing a figure failed."""


class CsvError(IsoflopError, ValueError):
    """Malformed CSV (or a table without the columns a fit needs)."""


class JsonError(IsoflopError, ValueError):
    """Malformed JSON."""


class MixedGroupsError(IsoflopError, ValueError):
    """A table holding several groups (a ``dataset``, ``experiment`` ... column) asked
    for one law: fit each group (``by_group=True``) or pool them (``pool=True``)."""


class FitWarning(UserWarning):
    """A fit that ended without converging at a well-determined optimum (its status is
    not ``Converged``). The result is still returned, and every prediction made from it
    carries the crate's warning."""


def _invalid(what, reason):
    return InvalidInputError(f"invalid {what}: {reason}")


def _warn_fit(status, advice, stacklevel=3):
    _warnings.warn(f"fit status {status}: {advice}", FitWarning, stacklevel=stacklevel)


__all__ = [
    "IsoflopError",
    "InvalidValueError",
    "ParseError",
    "UnknownNameError",
    "InsufficientDataError",
    "NonIdentifiableError",
    "UnreachableError",
    "NotApplicableError",
    "NonFiniteError",
    "FileAccessError",
    "InvalidInputError",
    "NumericalError",
    "DrawingError",
    "CsvError",
    "JsonError",
    "MixedGroupsError",
    "FitWarning",
]
