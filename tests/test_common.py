"""scikit-learn's own estimator checks, with no expected failures."""

import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    parametrize_with_checks,
)

from sklearn_backprop import BackpropClassifier, BackpropRegressor

ESTIMATORS = [
    BackpropClassifier(),
    # The notebook's configuration: sigmoid units, squared error, plain SGD.
    BackpropClassifier(solver="sgd", loss="squared_error", momentum=0.0, learning_rate_init=0.5),
    BackpropClassifier(solver="lbfgs", activation="relu"),
    BackpropClassifier(solver="sgd", activation="tanh", learning_rate="adaptive"),
    BackpropRegressor(),
    BackpropRegressor(solver="lbfgs", activation="relu"),
    BackpropRegressor(solver="lbfgs", loss="poisson"),
    BackpropRegressor(solver="sgd", activation="tanh", learning_rate="adaptive"),
]


# The checks fit tiny data at the default max_iter; scikit-learn filters this warning there too.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", [BackpropClassifier(), BackpropRegressor()], ids=repr)
def test_dataframe_column_names_consistency(estimator):
    check_dataframe_column_names_consistency(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", [BackpropClassifier(), BackpropRegressor()], ids=repr)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)
