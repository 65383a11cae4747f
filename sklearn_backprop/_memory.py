"""Data in memory as a backend of the fit: NumPy, sparse or Array API arrays on this machine.

It supplies the fit flow (``_base``) with the data prepared (``_data.prepare``,
on the host) and standardized (``_scaling``), the core's ``loss_and_gradients``
and the validation ``Evaluation``; training runs where X lives
(``array_api_dispatch``), except L-BFGS, which is scipy's and needs NumPy.
``_dask_fit.DaskBackend`` supplies the same steps for data on a cluster.
"""

from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from ._data import prepare
from ._device import input_namespace
from ._losses import loss_value
from ._network import Model, loss_and_gradients, network_output, split
from ._scaling import learned_scaling, standardized_sets
from ._training import TrainingSettings
from ._xp import to_numpy


@dataclass(frozen=True)
class Evaluation:
    """The validation loss (no penalty) and score of given weights, on a ``DataSet``."""

    data: object
    settings: TrainingSettings
    out_activation: str
    targets: object

    def __call__(self, params):
        X, Y, sample_weight = self.data.X, self.data.Y, self.data.sample_weight
        coefs, intercepts = split(params)
        output = network_output(X, coefs, intercepts, self.settings.activation, self.out_activation)
        loss = loss_value(self.settings.loss, self.out_activation, Y, output, sample_weight)
        return loss, self.targets.score(Y, output, sample_weight)


class MemoryBackend:
    """Training data held in memory; ``where``: the (namespace, device) X computes in."""

    in_memory = True  # the core may keep buffers of the data's size (``Workspace``)

    def __init__(self, X):
        self.where = input_namespace(X)

    def check(self, settings, incremental):
        """Every solver, fit and partial_fit train in memory."""

    def prepare(self, estimator, inputs, targets, preparation):
        """The data checked on the host and the targets encoded: a ``PreparedData``."""
        validation = inputs.validation
        inputs = replace(
            inputs, X=to_numpy(inputs.X), y=to_numpy(inputs.y),
            sample_weight=to_numpy(inputs.sample_weight),
            validation=None if validation is None else tuple(map(to_numpy, validation)),
        )  # fmt: skip
        return prepare(estimator, inputs, targets, preparation)

    def learned_scaling(self, settings, data):
        """The input's ``(mean, scale)`` (``_scaling.learned_scaling``)."""
        return learned_scaling(settings, data.train)

    def standardized(self, data_sets, prepared, scaling, inputs, encoded):
        """``_scaling.standardized_sets``: the fit's own copies standardized in place."""
        return standardized_sets(data_sets, prepared, scaling, inputs, encoded)

    def training_place(self, settings):
        """Where training computes: where X lives, or NumPy for L-BFGS."""
        return (np, None) if settings.solver == "lbfgs" else self.where

    def placed(self, data_set, where):
        return data_set.moved(*where)

    def gradient(self, settings, out_activation):
        """``loss_and_gradients`` of the settings' network and loss."""
        model = Model(settings.activation, out_activation, settings.loss, settings.alpha)
        return partial(loss_and_gradients, model=model)

    def evaluation(self, validation, settings, out_activation, targets):
        return Evaluation(validation, settings, out_activation, targets)

    def release(self, data):
        """Nothing to release: the data is the caller's."""
