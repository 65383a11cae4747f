"""What one call to fit or partial_fit decides, read once: settings, rng, and where the data lives.

The estimator builds a ``FitCall`` at the start of ``fit`` and hands it to
every step below; nothing below reads the estimator's parameters again.
Where the data lives is the call's ``backend``: ``MemoryBackend`` (NumPy,
sparse or Array API input, ``_memory``) or ``DaskBackend`` (Dask
collections, ``_dask_fit``), each supplying the same steps to one fit flow:
``prepare``, ``learned_scaling``, ``standardized``, ``gradient``,
``evaluation``, ``placed`` and ``release``.
"""

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

from ._dask_arrays import is_dask_collection
from ._memory import MemoryBackend
from ._training import TrainingSettings


@dataclass(frozen=True)
class FitInputs:
    """The data as the user passed it to one call: ``validation`` is (X_val, y_val, weights)."""

    X: object
    y: object
    sample_weight: object
    validation: tuple | None = None
    classes: object = None


@dataclass(frozen=True)
class Preparation:
    """How a backend prepares a call's data.

    ``learn``: the targets are found in ``y`` and the input's width recorded
    (a new model); otherwise both are checked against the model's.
    ``dtype``: the training dtype, or a tuple of those accepted (a new model:
    float32 trains in float32, all else in float64). ``same_classes``: a warm
    start's ``y`` must hold the model's classes. ``encoded``: X holds a
    DataFrame's columns encoded (``_columns``), whose width is recorded anew.
    """

    dtype: object
    learn: bool
    same_classes: bool
    incremental: bool
    encoded: bool = False


@dataclass(frozen=True)
class FitCall:
    """One call's decisions: settings, random stream, incremental or not, resume, backend."""

    settings: TrainingSettings
    rng: object
    incremental: bool
    resume: bool  # train on from the weights the model holds
    backend: object

    @classmethod
    def start(cls, params, inputs, *, incremental, has_weights):
        """The call for ``estimator.get_params()`` and its inputs, if their backend can train it."""
        backend = backend_for(inputs)
        # 'auto' decided for the data: a cluster's (L-BFGS only) holds nothing out.
        n_samples = _num_samples(inputs.X) if backend.in_memory else 0
        has_validation = inputs.validation is not None
        settings = TrainingSettings.from_params(params).for_fit(
            n_samples, has_validation, incremental
        )
        backend.check(settings, incremental)
        resume = (incremental or settings.warm_start) and has_weights
        rng = check_random_state(settings.random_state)
        return cls(settings, rng, incremental, resume, backend)


def _num_samples(X):
    """Rows of ``X`` (lists and objects with ``__array__`` converted to find them)."""
    shape = getattr(X, "shape", None)
    return shape[0] if shape is not None else np.asarray(X).shape[0]


def backend_for(inputs):
    """Where ``inputs`` live: a Dask cluster (any of X, y a Dask collection), or memory."""
    if is_dask_collection(inputs.X) or is_dask_collection(inputs.y):
        from ._dask_fit import DaskBackend  # Dask is an optional extra: imported when used

        return DaskBackend()
    return MemoryBackend(inputs.X)


@contextmanager
def restored_on_failure(estimator):
    """Put every attribute back if the block raises: a failed fit leaves the model as it was.

    The fit's set-up only rebinds attributes, so a shallow copy is enough.
    """
    before = dict(vars(estimator))
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(before)
        raise
