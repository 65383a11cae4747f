"""Several NumPy arrays as views of one: the memory layout of the packed fast paths.

An elementwise operation over all of a network's parameters (an optimizer
step) costs one numpy call on the packed array instead of one per
parameter array, and for a small network those calls' overhead is most of
the work. ``init_params`` packs the weights, the training ``Workspace`` its
gradients, and ``_optimizers.packed_step`` the optimizer's moments.
"""

import math

import numpy as np


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

    Arrays that already are such views (of one array, in order, covering
    it) are returned as they are, not copied: the arrays a caller holds
    stay the ones that training updates.
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
