"""Array namespaces: one numerical core for NumPy and every Array API library.

The core gets the namespace ``xp`` of its arrays (NumPy, PyTorch, CuPy,
array-api-strict, ...) and uses only the standard's functions and its
in-place operators (``a -= b``). The standard has no ``out=`` argument;
NumPy's is what keeps the NumPy training loop free of per-batch allocations
(docs/benchmarks.md), so ``into`` uses it on NumPy, and every other namespace
gets a new array: callers always use the returned array.
"""

import operator

import array_api_compat
import numpy as np
import scipy.sparse as sp


def namespace(*arrays):
    """The namespace of the core's arrays: NumPy for NumPy arrays and sparse matrices."""
    for array in arrays:  # the NumPy case first and fast: it runs for every batch
        if array is not None and not isinstance(array, np.ndarray) and not sp.issparse(array):
            others = [a for a in arrays if a is not None and not isinstance(a, np.ndarray)]
            return array_api_compat.array_namespace(*others)
    return np


def device_of(array):
    return array_api_compat.device(array)


def to_numpy(array):
    """``array`` as a NumPy array on the host (NumPy arrays and others pass through)."""
    if isinstance(array, np.ndarray) or not array_api_compat.is_array_api_obj(array):
        return array
    if array_api_compat.is_torch_array(array):
        return array.detach().cpu().numpy()
    if array_api_compat.is_cupy_array(array):
        return array.get()
    xp = array_api_compat.array_namespace(array)
    if xp.__name__ == "array_api_strict":
        array = array.to_device(xp.Device("CPU_DEVICE"))
    return np.asarray(array)  # also what dask and others convert with


def move(array, xp, device):
    """``array`` (NumPy or of ``xp``) in namespace ``xp`` on ``device``; None stays None."""
    if array is None or xp is np:
        return None if array is None else to_numpy(array)
    return xp.asarray(array, device=device)


def numpy_dtype(dtype):
    """The NumPy float dtype matching a float dtype of any namespace."""
    return np.dtype("float32") if "float32" in str(dtype) else np.dtype("float64")


_OPERATORS = {"divide": operator.truediv, "multiply": operator.mul, "subtract": operator.sub}


def into(xp, name, *args, out, **kwargs):
    """``xp.<name>(*args, **kwargs)``, written into ``out`` on NumPy; use the result."""
    if xp is np:
        return getattr(np, name)(*args, out=out, **kwargs)
    if name in _OPERATORS:  # operators take Python numbers in every version
        return _OPERATORS[name](*args)
    if xp.__name__ != "array_api_strict":
        return getattr(xp, name)(*args, **kwargs)
    # Python numbers as arguments of functions came with the 2024.12 standard,
    # which array-api-strict enforces; PyTorch and CuPy always took them (and
    # a device array per call would cost them a transfer).
    array = next(arg for arg in args if not isinstance(arg, int | float))
    args = [
        xp.asarray(arg, dtype=array.dtype, device=device_of(array))
        if isinstance(arg, int | float)
        else arg
        for arg in args
    ]
    return getattr(xp, name)(*args, **kwargs)


def copy(xp, array):
    return xp.asarray(array, copy=True)


def all_finite(xp, array):
    return bool(xp.all(xp.isfinite(array)))


def uniform_sampler(xp, rng, device):
    """``draw(shape, dtype)``: uniform numbers on [0, 1) in ``xp`` on ``device``, from ``rng``.

    PyTorch and CuPy draw on the device with a generator seeded once from
    ``rng`` (no transfer per call); other namespaces get NumPy's draws.
    """
    if xp is np:
        return lambda shape, dtype: rng.random_sample(shape).astype(dtype, copy=False)
    seed = int(rng.randint(2**31 - 1))
    if array_api_compat.is_torch_namespace(xp):
        import torch

        generator = torch.Generator(device=device)
        generator.manual_seed(seed)
        return lambda shape, dtype: torch.rand(
            shape, generator=generator, device=device, dtype=dtype
        )
    if array_api_compat.is_cupy_namespace(xp):
        import cupy

        state = cupy.random.RandomState(seed)
        return lambda shape, dtype: state.random_sample(shape, dtype=dtype)
    host = np.random.RandomState(seed)
    return lambda shape, dtype: xp.asarray(host.random_sample(shape), dtype=dtype, device=device)
