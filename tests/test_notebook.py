"""One partial_fit step is exactly the notebook's backpropagation update."""

import numpy as np
import pytest

from sklearn_backprop import BackpropClassifier


def notebook_update(X, y, weights1, bias1, weights2, bias2):
    """The notebook's forward and backward pass, transcribed line by line."""
    weights1, bias1, weights2, bias2 = (a.copy() for a in (weights1, bias1, weights2, bias2))

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def sigmoid_derivative(x):
        return x * (1 - x)

    z1 = np.dot(X, weights1) + bias1
    a1 = sigmoid(z1)
    z2 = np.dot(a1, weights2) + bias2
    output = sigmoid(z2)

    error = output - y
    delta2 = error * sigmoid_derivative(output)
    delta1 = np.dot(delta2, weights2.T) * sigmoid_derivative(a1)
    weights2 -= np.dot(a1.T, delta2)
    bias2 -= np.sum(delta2, axis=0)
    weights1 -= np.dot(X.T, delta1)
    bias1 -= np.sum(delta1, axis=0)
    return weights1, bias1, weights2, bias2


def notebook_classifier(n_samples, n_hidden):
    # The estimator averages the gradient over the batch; a learning rate of
    # n_samples turns that back into the notebook's sum with rate 1.
    return BackpropClassifier(
        hidden_layer_sizes=(n_hidden,),
        activation="logistic",
        loss="squared_error",
        solver="sgd",
        momentum=0.0,
        alpha=0.0,
        shuffle=False,
        batch_size=n_samples,
        learning_rate_init=n_samples,
        mlp_parity=True,
    )


def _problem(seed, n_samples, n_features, n_hidden):
    rng = np.random.RandomState(seed)
    if seed == 0:  # the notebook's own example
        X = np.array([[0, 0, 1], [1, 1, 1]])
        y = np.array([0, 1])
    else:
        X = rng.normal(size=(n_samples, n_features))
        y = np.arange(n_samples) % 2
    weights = (
        rng.randn(n_features, n_hidden),
        rng.randn(n_hidden),
        rng.randn(n_hidden, 1),
        rng.randn(1),
    )
    return X, y, weights


@pytest.mark.parametrize(
    ("seed", "n_samples", "n_features", "n_hidden"),
    [(0, 2, 3, 4), (1, 10, 5, 7), (2, 33, 8, 3)],
    ids=["notebook-example", "random-10x5-7", "random-33x8-3"],
)
def test_partial_fit_performs_the_notebook_update(seed, n_samples, n_features, n_hidden):
    X, y, (weights1, bias1, weights2, bias2) = _problem(seed, n_samples, n_features, n_hidden)
    expected = notebook_update(X, y[:, np.newaxis], weights1, bias1, weights2, bias2)

    clf = notebook_classifier(n_samples, n_hidden).partial_fit(X, y, classes=[0, 1])
    clf.coefs_ = [weights1.copy(), weights2.copy()]
    clf.intercepts_ = [bias1.copy(), bias2.copy()]
    clf.partial_fit(X, y)

    got = (clf.coefs_[0], clf.intercepts_[0], clf.coefs_[1], clf.intercepts_[1])
    for name, value, reference in zip(["W1", "b1", "W2", "b2"], got, expected, strict=True):
        np.testing.assert_allclose(value, reference, rtol=0, atol=1e-12, err_msg=name)
    # The step really moved the weights: the comparison above is not vacuous.
    assert not np.allclose(expected[2], weights2, rtol=0, atol=1e-6)
