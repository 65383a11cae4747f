"""The package version, and the warning for a model pickled by another one."""

import warnings

__version__ = "0.2.0"


class InconsistentVersionWarning(UserWarning):
    """A model is being unpickled by a sklearn-backprop version other than its own.

    As with scikit-learn's warning of the same name, the model may load but
    behave differently or break: refit it with this version, or load it with
    the version that saved it.

    Examples
    --------
    >>> import pickle, warnings
    >>> from sklearn_backprop import BackpropClassifier, InconsistentVersionWarning
    >>> state = BackpropClassifier().__getstate__()
    >>> state["_sklearn_backprop_version"] = "0.0.1"  # as if saved by another version
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     BackpropClassifier().__setstate__(state)
    >>> caught[0].category is InconsistentVersionWarning
    True
    """


class VersionedPickleMixin:
    """Records the package version in a pickle and warns when another one loads it."""

    def __getstate__(self):
        state = super().__getstate__()
        state["_sklearn_backprop_version"] = __version__
        return state

    def __setstate__(self, state):
        pickled_by = state.pop("_sklearn_backprop_version", "unknown")
        if pickled_by != __version__:
            warnings.warn(
                f"Unpickling a {type(self).__name__} saved by sklearn-backprop {pickled_by} "
                f"with version {__version__}. It may not work as it did: refit it, or "
                "load it with the version that saved it.",
                InconsistentVersionWarning,
                stacklevel=2,
            )
        super().__setstate__(state)
