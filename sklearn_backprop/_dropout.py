"""Dropout in training: the rates checked, and each batch's masks drawn where the weights live."""

import numpy as np

from ._network import DropoutMasks
from ._xp import device_of, namespace, uniform_sampler


def dropout_rates(dropout, n_hidden):
    """One dropout rate per hidden layer from ``dropout`` (a rate, or one per layer), checked."""
    given = dropout
    if isinstance(dropout, str):
        raise ValueError(f"dropout must be a number or a list of numbers, got {given!r}.")
    rates = list(dropout) if np.iterable(dropout) else [dropout] * n_hidden
    try:
        rates = [float(rate) for rate in rates]
    except (TypeError, ValueError):
        raise ValueError(f"dropout must hold numbers, got {given!r}.") from None
    if len(rates) != n_hidden:
        raise ValueError(
            f"dropout has {len(rates)} rate(s) for {n_hidden} hidden layer(s): give one "
            "rate for all, or one per hidden layer."
        )
    if not all(0 <= rate < 1 for rate in rates):  # NaN fails too
        raise ValueError(f"dropout rates must be in [0, 1), got {given!r}.")
    return tuple(rates)


class DropoutSampler:
    """Draws each batch's dropout masks from the fit's random state, where the weights live."""

    def __init__(self, rates, rng, coefs):
        self.rates, self.keep = rates, [1.0 - rate for rate in rates]
        self.widths = [coef.shape[0] for coef in coefs]  # each layer's input
        self.xp, self.dtype = namespace(coefs[0]), coefs[0].dtype
        self.uniform = uniform_sampler(self.xp, rng, device_of(coefs[0]))

    def draw(self, n_rows):
        masks = []
        for rate, keep, width in zip(self.rates, self.keep, self.widths, strict=True):
            if rate == 0:
                masks.append(None)
                continue
            kept = self.uniform((n_rows, width), self.dtype) >= rate
            masks.append(self.xp.astype(kept, self.dtype) * (1.0 / keep))
        return DropoutMasks(masks, self.keep)
