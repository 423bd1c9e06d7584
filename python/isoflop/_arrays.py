"""numpy in and out: broadcasting, units from strings, flat calls into the crate."""

import numpy as np

from . import _native
from ._errors import _invalid

_WHAT = {"params": "parameter count", "tokens": "token count", "flops": "FLOP count",
         "loss": "target loss"}


def as_array(x, kind):
    """A float64 array from a number, a string ("6.7B"), a sequence or an array of
    either. Raises InvalidInputError for None, bools and other types."""
    what = _WHAT[kind]
    if x is None:
        raise _invalid(what, "expected a number, a string like \"6.7B\" or an array, got None")
    if isinstance(x, str):
        if kind == "loss":
            raise _invalid(what, f"expected a number, got a string {x!r}")
        return np.asarray(_native._unit(kind, x)[0])
    try:
        arr = np.asarray(x)
    except Exception as e:  # ragged lists and the like
        raise _invalid(what, f"cannot make an array of it: {e}") from None
    k = arr.dtype.kind
    if k in "iuf":
        return arr.astype(np.float64, copy=False)
    if k in "US" or k == "O":
        if kind == "loss":
            raise _invalid(what, f"expected numbers, got an array of {arr.dtype}")
        flat = [_native._unit(kind, v)[0] for v in arr.ravel().tolist()]
        return np.asarray(flat, dtype=np.float64).reshape(arr.shape)
    raise _invalid(what, f"expected numbers or strings like \"6.7B\", got an array of {arr.dtype}")


def broadcast(*pairs):
    """Broadcasts (value, kind) pairs; returns flat contiguous arrays and the shape."""
    arrays = [as_array(x, k) for x, k in pairs]
    try:
        b = np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = " and ".join(str(a.shape) for a in arrays)
        raise _invalid("arrays", f"shapes {shapes} do not broadcast together") from None
    shape = b[0].shape
    return [np.ascontiguousarray(a, dtype=np.float64).reshape(-1) for a in b], shape


def _finish(out, shape):
    return float(out[0]) if shape == () else out.reshape(shape)


def loss(h, n, d):
    (a, b), shape = broadcast((n, "params"), (d, "tokens"))
    return _finish(h._loss(a, b), shape)


def tokens_for_loss(h, n, target):
    (a, b), shape = broadcast((n, "params"), (target, "loss"))
    return _finish(h._tokens_for_loss(a, b), shape)


def optimal(h, c):
    (a,), shape = broadcast((c, "flops"))
    out = h._optimal(a)
    return _finish(out[:, 0].copy(), shape), _finish(out[:, 1].copy(), shape)
