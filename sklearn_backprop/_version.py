"""The package version, and the warning for a model pickled by another one."""

__version__ = "0.1.0"


class InconsistentVersionWarning(UserWarning):
    """A model is being unpickled by a sklearn-backprop version other than its own.

    As with scikit-learn's warning of the same name, the model may load but
    behave differently or break: refit it with this version, or load it with
    the version that saved it.
    """
