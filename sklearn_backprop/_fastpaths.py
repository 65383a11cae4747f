"""Every NumPy-only speed device, in one place that a reader of the algorithm can skip.

The core (``_network``, ``_optimizers``) computes the same thing without
these on every Array API namespace; on NumPy it takes them for speed. What
each one buys, measured, is in docs/benchmarks.md ("What made it fast").

- packed parameters: a network's weights, gradients and optimizer moments as
  views of one array each, so an optimizer step is one numpy call per
  operation, not one per layer (``pack``, ``packed_step``);
- a batch ``Workspace``: every array a batch writes, allocated once per fit;
- BLAS for products numpy would not send there (``matmul_into``,
  ``column_sums``);
- prediction a block of rows at a time (``row_blocks``);
- gathering a batch's rows into a reused buffer (``gather_rows``);
- scipy's own BLAS held to one thread while L-BFGS runs.
"""

import itertools
import math
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from ._xp import namespace

# -- Packed parameters --------------------------------------------------------


def packed_empty(shapes, dtype):
    """One new 1-D NumPy array and views of it end to end, shaped ``shapes``."""
    flat = np.empty(sum(math.prod(shape) for shape in shapes), dtype)
    views, start = [], 0
    for shape in shapes:
        views.append(flat[start : start + math.prod(shape)].reshape(shape))
        start += views[-1].size
    return flat, views


def pack(arrays):
    """NumPy ``arrays`` end to end in one array: return it and views of it shaped like them.

    Arrays that already are such views are returned as they are, not copied:
    the arrays a caller holds stay the ones that training updates.
    """
    flat = packed_base(arrays)
    if flat is not None:
        return flat, list(arrays)
    flat, views = packed_empty([array.shape for array in arrays], arrays[0].dtype)
    for view, array in zip(views, arrays, strict=True):
        view[...] = array
    return flat, views


def packed_base(arrays):
    """The 1-D array that ``arrays`` are consecutive C-ordered views of, or None."""
    base = arrays[0].base
    if not isinstance(base, np.ndarray) or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    offset = 0
    for array in arrays:
        at = base.ctypes.data + offset * base.itemsize
        if array.base is not base or not array.flags.c_contiguous or array.ctypes.data != at:
            return None
        offset += array.size
    return base if offset == base.size and arrays[0].dtype == base.dtype else None


def packed_step(step, params, state, state_arrays):
    """``step(params, grads, state)`` run once on the packed arrays instead of once per layer.

    The arithmetic of a step is elementwise, so the result is the same.
    ``params`` must be packed already; the state's ``state_arrays`` keys are
    packed here. The returned ``step(params, grads)`` expects gradients
    packed the same way (the Workspace's).
    """
    flat_params = packed_base(params)
    if flat_params is None:
        raise ValueError("packed_step needs parameters packed in one array (pack).")
    flat_moments = {}
    for key in state_arrays:
        if key in state:
            flat_moments[key], state[key] = pack(state[key])

    def step_packed(params, grads):
        flat_grads = grads[0].base
        if flat_grads is None or flat_grads.size != flat_params.size:
            raise ValueError("packed_step needs the gradients packed like the parameters.")
        # The step reads the learning rate and counts steps in the state:
        # hand it the state with the packed arrays, then keep its counts.
        flat_state = {**state, **{key: [flat] for key, flat in flat_moments.items()}}
        step([flat_params], [flat_grads], flat_state)
        state.update({key: flat_state[key] for key in state if key not in flat_moments})

    return step_packed


# -- The batch workspace ------------------------------------------------------


class Workspace:
    """The NumPy arrays one batch of training writes to, for batches of up to ``batch_size`` rows.

    Fresh arrays of this size on every batch cost page faults, not just a
    malloc. ``batch(n)`` gives views for a batch of ``n`` rows.
    ``gather=False`` leaves out the buffers that mini-batches gather their
    rows of X and Y into: full-batch training reads X and Y as they are.
    """

    def __init__(self, layer_units, batch_size, dtype, gather=True):
        self.activations = [np.empty((batch_size, units), dtype) for units in layer_units[1:]]
        self.deltas = [np.empty((batch_size, units), dtype) for units in layer_units[1:]]
        self.inputs = self.targets = None
        if gather:
            self.inputs = np.empty((batch_size, layer_units[0]), dtype)
            self.targets = np.empty((batch_size, layer_units[-1]), dtype)
        # Gradients packed in the parameters' order (coefs, then intercepts).
        n_layers = len(layer_units) - 1
        shapes = [*itertools.pairwise(layer_units), *((units,) for units in layer_units[1:])]
        grads = packed_empty(shapes, dtype)[1]
        self.coef_grads, self.intercept_grads = grads[:n_layers], grads[n_layers:]
        self.penalty_grads = [np.empty_like(grad) for grad in self.coef_grads]
        self.ones = np.ones(batch_size, dtype)  # see column_sums

    @classmethod
    def for_params(cls, coefs, batch_size, dtype, gather=True):
        layer_units = [coefs[0].shape[0]] + [coef.shape[1] for coef in coefs]
        return cls(layer_units, batch_size, dtype, gather)

    def batch(self, n_rows):
        return [array[:n_rows] for array in self.activations], [d[:n_rows] for d in self.deltas]


# -- BLAS where numpy would not go --------------------------------------------


def matmul_into(a, b, out):
    """``a @ b`` written into the NumPy array ``out``."""
    if not isinstance(a, np.ndarray):  # sparse input: scipy's product allocates
        out[...] = a @ b
        return out
    if a.shape[-1] == 1:
        # An outer product (a layer of one unit): np.matmul does not hand it
        # to BLAS, np.dot does.
        return np.dot(a, b, out=out)
    return np.matmul(a, b, out=out)


def column_sums(delta, ones, out):
    """``delta.sum(axis=0)`` as a product with a vector of ones: BLAS beats np.sum's reduction."""
    return np.matmul(ones[: delta.shape[0]], delta, out=out)


def squared_norm(array):
    """``sum(array ** 2)`` without a temporary the size of the array."""
    return float(np.vdot(array, array))


# -- Prediction in blocks of rows ---------------------------------------------

# A block's widest hidden layer takes about this many bytes, which stay in
# the CPU's cache between layers; but at least _MIN_BLOCK_ROWS rows, as each
# block reads all the weights again and a product over a few rows is slow.
_BLOCK_BYTES = 2**21
_MIN_BLOCK_ROWS = 1024


class RowBlocks:
    """A dense NumPy input cut into blocks of rows, each with output buffers to write to."""

    def __init__(self, X, coefs):
        dtype = np.result_type(X, coefs[0])
        widths = [coef.shape[1] for coef in coefs]
        self.X = X
        self.rows = max(_MIN_BLOCK_ROWS, _BLOCK_BYTES // (dtype.itemsize * max(widths[:-1])))
        self.hidden = [np.empty((min(self.rows, X.shape[0]), w), dtype) for w in widths[:-1]]
        self.result = np.empty((X.shape[0], widths[-1]), dtype)

    def __iter__(self):
        """Yield ``(block, outputs)``: the block's rows and one buffer per layer."""
        for start in range(0, self.X.shape[0], self.rows):
            block = self.X[start : start + self.rows]
            n_rows = block.shape[0]
            outputs = [array[:n_rows] for array in self.hidden]
            yield block, [*outputs, self.result[start : start + n_rows]]


def row_blocks(X, coefs):
    """``RowBlocks`` for a prediction that gains from them, else None (go through whole)."""
    few_rows = X.shape[0] <= _MIN_BLOCK_ROWS  # one block anyway: skip the bookkeeping
    if not isinstance(coefs[0], np.ndarray) or sp.issparse(X) or len(coefs) == 1 or few_rows:
        return None
    return RowBlocks(X, coefs)


# -- Gathering a batch --------------------------------------------------------


def gather_rows(array, rows, out):
    """``array[rows]``, written into ``out`` (NumPy) where that is the fast way."""
    if isinstance(rows, slice):
        return array[rows]  # a view: nothing to copy
    if out is None:
        return namespace(array).take(array, rows, axis=0)
    if not isinstance(array, np.ndarray) or not array.flags.c_contiguous:
        # Sparse rows, or a Fortran-ordered array (pandas' usual), which
        # np.take reads far slower than fancy indexing does.
        return array[rows]
    # mode="clip" skips the bounds check that the default mode pays for.
    return array.take(rows, axis=0, out=out[: len(rows)], mode="clip")


# -- scipy's own BLAS during L-BFGS -------------------------------------------

_scipy_blas_users = 0  # L-BFGS fits running now, in any thread
_scipy_blas_lock = threading.Lock()
_scipy_blas_limit = None  # threadpoolctl's limiter, while any fit runs


@contextmanager
def scipy_blas_on_one_thread():
    """Limit the BLAS that scipy ships of its own (not NumPy's) to one thread, for a while.

    L-BFGS-B's vector operations use scipy's BLAS; with several threads, its
    idle threads spin on the cores NumPy's products need. Fits overlapping
    in threads of one process: the first to start sets the limit, the last
    to end lifts it, so the library is left as it was found.
    """
    global _scipy_blas_users, _scipy_blas_limit
    scipy_blas = _scipy_own_blas()
    if scipy_blas is None:
        yield
        return
    with _scipy_blas_lock:
        if _scipy_blas_users == 0:
            _scipy_blas_limit = scipy_blas.limit(limits=1)
        _scipy_blas_users += 1
    try:
        yield
    finally:
        with _scipy_blas_lock:
            _scipy_blas_users -= 1
            if _scipy_blas_users == 0:
                _scipy_blas_limit.restore_original_limits()
                _scipy_blas_limit = None


@cache
def _scipy_own_blas():
    """A controller of the BLAS libraries inside scipy's own folders (found once), or None."""
    import scipy.optimize

    package = Path(scipy.__file__).resolve().parent  # resolved: site-packages may be a link
    scipy_dirs = [package, package.with_name("scipy.libs")]
    controller = ThreadpoolController()
    paths = [
        library.filepath
        for library in controller.lib_controllers
        if library.user_api == "blas"
        and any(Path(library.filepath).resolve().is_relative_to(d) for d in scipy_dirs)
    ]
    return controller.select(filepath=paths) if paths else None
