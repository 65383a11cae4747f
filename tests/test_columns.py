"""A DataFrame in: each column kind encoded inside, missing values, unseen categories (issue 23)."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from sklearn_backprop import BackpropClassifier, BackpropRegressor
from sklearn_backprop._columns import MAX_CATEGORIES

from ._helpers import quiet

HEADS = [BackpropClassifier, BackpropRegressor]
N = 40

# One column of each kind, with a missing value in it where the dtype can hold one.
COLUMNS = {
    "float": lambda rng: np.where(np.arange(N) == 3, np.nan, rng.normal(size=N) * 50 + 7),
    "int": lambda rng: rng.randint(0, 100, N),
    "Int64": lambda rng: pd.array(np.where(np.arange(N) == 5, None, rng.randint(0, 9, N)), "Int64"),
    "Float64": lambda rng: pd.array(
        np.where(np.arange(N) == 6, None, rng.normal(size=N)), "Float64"
    ),
    "bool": lambda rng: rng.rand(N) > 0.5,
    "boolean": lambda rng: pd.array(
        [None if i == 2 else bool(v) for i, v in enumerate(rng.rand(N) > 0.5)], "boolean"
    ),
    "category": lambda rng: pd.Categorical(
        [None if i == 4 else "abc"[v] for i, v in enumerate(rng.randint(0, 3, N))]
    ),
    "object": lambda rng: pd.Series(
        [np.nan if i == 7 else "xy"[v] for i, v in enumerate(rng.randint(0, 2, N))], dtype=object
    ),
    "string[python]": lambda rng: pd.array(
        [None if i == 8 else "uvw"[v] for i, v in enumerate(rng.randint(0, 3, N))], "string[python]"
    ),
    "string[pyarrow]": lambda rng: pd.array(
        [None if i == 9 else "pq"[v] for i, v in enumerate(rng.randint(0, 2, N))], "string[pyarrow]"
    ),
}
KINDS = {
    "float": "numeric", "int": "numeric", "Int64": "numeric", "Float64": "numeric",
    "bool": "boolean", "boolean": "boolean", "category": "categorical",
    "object": "categorical", "string[python]": "categorical", "string[pyarrow]": "categorical",
}  # fmt: skip


def _frame(columns=COLUMNS, seed=0):
    rng = np.random.RandomState(seed)
    return pd.DataFrame({name: make(rng) for name, make in columns.items()})


def _target(head, X):
    signal = np.asarray(X["int"], dtype=float) if "int" in X else np.arange(len(X), dtype=float)
    return (signal > np.median(signal)).astype(int) if head is BackpropClassifier else signal


def _fit(head, X, y=None, **params):
    model = head(hidden_layer_sizes=(5,), max_iter=20, random_state=0, **params)
    return quiet(model.fit, X, _target(head, X) if y is None else y)


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_every_column_kind_with_missing_values_trains_and_predicts(head):
    X = _frame()
    given = X.copy()
    model = _fit(head, X)
    pd.testing.assert_frame_equal(X, given)  # the input is left as it was
    assert list(model.feature_names_in_) == list(COLUMNS)
    assert model.n_features_in_ == len(COLUMNS)
    assert {name: text.split(":")[0] for name, text in model.input_columns_.items()} == KINDS
    assert np.all(np.isfinite(np.asarray(model.predict(X), dtype=float)))


@pytest.mark.parametrize("column", list(COLUMNS))
def test_what_each_column_becomes(column):
    # With "object" beside it, so that the frame is encoded (plain numbers alone go as they are).
    X = _frame({"int": COLUMNS["int"], "object": COLUMNS["object"], column: COLUMNS[column]})
    model = _fit(BackpropClassifier, X)
    encoded = model.column_transformer_.get_feature_names_out()
    has_missing = X[column].isna().any()
    if KINDS[column] == "categorical":
        n_categories = X[column].nunique() + has_missing  # missing values: a category of their own
        assert sum(name.startswith(f"{column}_") for name in encoded) == n_categories
        assert f"{n_categories} categories" in model.input_columns_[column]
    else:
        assert column in encoded
        assert (f"missingindicator_{column}" in encoded) == has_missing
        assert ("indicator" in model.input_columns_[column]) == has_missing
    assert model.coefs_[0].shape[0] == len(encoded)


def test_a_frame_of_plain_numbers_goes_as_it_is():
    X = _frame({"float": lambda rng: rng.normal(size=N), "int": COLUMNS["int"]})
    model = _fit(BackpropClassifier, X)
    assert model.column_transformer_ is None
    assert model.input_columns_ is None
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        np.testing.assert_array_equal(model.predict(X), model.predict(X.to_numpy()))


@pytest.mark.parametrize("name", ["self", "X", "name"])
def test_any_column_name_is_encoded_and_the_frame_left_as_it_was(name):
    # statsmodels' mortgage table has a column "self"; assign(**columns) refused it.
    X = _frame().rename(columns={"object": name})
    before = X.copy()
    model = _fit(BackpropClassifier, X)
    assert model.predict(X).shape == (N,)
    assert model.input_columns_[name].startswith("categorical")
    pd.testing.assert_frame_equal(X, before)


def test_unseen_categories_at_predict_are_no_error():
    X = _frame()
    model = _fit(BackpropClassifier, X)
    new = X.head(3).copy()
    new["object"] = ["never", "seen", "before"]
    new["category"] = pd.Categorical(["zzz", "a", None])
    new["string[python]"] = pd.array(["new", None, "u"], "string[python]")
    assert model.predict(new).shape == (3,)
    encoded = model.column_transformer_.get_feature_names_out()
    block = [i for i, name in enumerate(encoded) if name.startswith("object_")]
    transformed = model.column_transformer_.transform(
        new.assign(object=new["object"].astype(object))
    )
    np.testing.assert_array_equal(transformed[:, block], 0.0)  # unknown: all zeros


def test_many_categories_stay_bounded_with_the_rare_ones_grouped():
    rng = np.random.RandomState(0)
    codes = np.minimum(rng.geometric(0.05, 500), 300)
    X = pd.DataFrame({"int": rng.randint(0, 100, 500), "city": [f"c{code}" for code in codes]})
    model = _fit(BackpropClassifier, X)
    encoded = model.column_transformer_.get_feature_names_out()
    assert sum(name.startswith("city_") for name in encoded) == MAX_CATEGORIES
    assert "city_infrequent_sklearn" in encoded
    assert "grouped as infrequent" in model.input_columns_["city"]
    unseen = X.head(2).assign(city=["brand new", "c1"])
    assert model.predict(unseen).shape == (2,)  # unseen: counted with the infrequent ones


@pytest.mark.parametrize(
    ("column", "values", "fit_kind", "now_kind"),
    [
        ("int", ["a", "b"], "numeric", "categorical"),
        ("object", [1.5, 2.5], "categorical", "numeric"),
        ("bool", ["yes", "no"], "boolean", "categorical"),
    ],
)
def test_a_column_whose_kind_changed_is_named(column, values, fit_kind, now_kind):
    X = _frame()
    model = _fit(BackpropClassifier, X)
    changed = X.head(2).copy()
    changed[column] = values
    with pytest.raises(ValueError, match=rf"'{column}' was {fit_kind} at fit and is {now_kind}"):
        model.predict(changed)


@pytest.mark.parametrize(
    ("values", "what"),
    [
        (pd.date_range("2020-01-01", periods=N), "datetime64"),
        (pd.to_timedelta(np.arange(N), unit="D"), "timedelta64"),
        ([[1, 2]] * N, "mixed"),
        ([1, "a"] * (N // 2), "mixed-integer"),
    ],
    ids=["datetime", "timedelta", "lists", "mixed"],
)
def test_unusable_columns_are_named_with_what_to_do(values, what):
    X = _frame({"int": COLUMNS["int"], "object": COLUMNS["object"]}).assign(
        when=values, also=values
    )
    before = BackpropClassifier()
    with pytest.raises(ValueError, match=rf"'when' \(.*{what}.*'also'.*Convert them"):
        before.fit(X, _target(BackpropClassifier, X))
    assert not hasattr(before, "coefs_")


def test_other_columns_or_an_array_at_predict_are_refused():
    X = _frame()
    model = _fit(BackpropClassifier, X)
    with pytest.raises(ValueError, match="feature names should match"):
        model.predict(X[list(reversed(COLUMNS))])
    with pytest.raises(ValueError, match="must be a DataFrame with the same columns"):
        model.predict(np.zeros((2, len(COLUMNS))))


def test_mlp_parity_does_not_encode():
    X = _frame({"int": COLUMNS["int"], "object": COLUMNS["object"]})
    with pytest.raises(ValueError, match="could not convert string to float"):
        _fit(BackpropClassifier, X, mlp_parity=True)


def test_a_validation_set_is_encoded_as_the_training_set():
    X = _frame()
    y = _target(BackpropClassifier, X)
    model = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    quiet(model.fit, X[:30], y[:30], X_val=X[30:], y_val=y[30:])
    assert len(model.validation_scores_) == 5
    assert model.validation_scores_[-1] == pytest.approx(model.score(X[30:], y[30:]))


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_partial_fit_keeps_the_first_encoding_and_a_later_category_is_unknown(head):
    X = _frame()
    first, later = X[:20].copy(), X[20:].copy()
    first["object"] = first["object"].where(first["object"] != "y", "x")  # "y" only later
    extra = {"classes": [0, 1]} if head is BackpropClassifier else {}
    model = head(hidden_layer_sizes=(5,), random_state=0)
    model.partial_fit(first, _target(head, first), **extra)
    described, width = dict(model.input_columns_), model.coefs_[0].shape[0]
    model.partial_fit(later, _target(head, later), **extra)
    assert model.input_columns_ == described
    assert model.coefs_[0].shape[0] == width
    encoded = model.column_transformer_.get_feature_names_out()
    assert "object_y" not in encoded  # "y" is encoded as unknown: zeros in the object block


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_round_trips_keep_the_encoding(head, tmp_path):
    X = _frame()
    model = _fit(head, X)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    refitted = quiet(clone(model).fit, X, _target(head, X))
    np.testing.assert_array_equal(refitted.predict(X), model.predict(X))


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_integer_column_names_are_read_by_position_as_their_names_say(head):
    # pd.DataFrame(array) has integer names; these are not their positions either.
    X = _frame({name: COLUMNS[name] for name in ("float", "int", "category")})
    y = _target(head, X)
    by_number = X.set_axis([7, 3, 5], axis=1)
    model = _fit(head, by_number, y)
    reference = _fit(head, X, y)
    assert not hasattr(model, "feature_names_in_") or model.feature_names_in_ is None
    assert list(model.input_columns_.values()) == list(reference.input_columns_.values())
    np.testing.assert_allclose(model.predict(by_number), reference.predict(X), rtol=1e-12)


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_nan_in_an_array_says_that_a_dataframe_would_be_imputed(head):
    X = _frame({"float": COLUMNS["float"], "int": COLUMNS["int"]})
    y = _target(head, X)
    imputed_in_a_frame = r"^Input X contains NaN\. .* pass X as a pandas DataFrame"
    with pytest.raises(ValueError, match=imputed_in_a_frame):
        _fit(head, X.to_numpy(), y)
    _fit(head, X, y)  # the same numbers as a DataFrame train
    # With mlp_parity nothing is imputed, and scikit-learn's own message stands.
    with pytest.raises(ValueError, match="does not accept missing values encoded as NaN"):
        _fit(head, X.to_numpy(), y, mlp_parity=True)


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_nan_that_a_dataframe_would_not_cure_keeps_scikit_learns_message(head):
    # The encoding is decided by the first fit, from X: a later batch, or X_val,
    # is not imputed where X was not, DataFrame or not.
    X = _frame({"float": COLUMNS["float"], "int": COLUMNS["int"]})
    y = _target(head, X)
    plain = X.fillna(0.0)
    sklearn_message = "does not accept missing values encoded as NaN"
    for first, with_nan in ((plain, X), (plain.to_numpy(), X.to_numpy())):
        model = _fit(head, first, y)
        with pytest.raises(ValueError, match=sklearn_message):
            model.partial_fit(with_nan, y)
        with pytest.raises(ValueError, match=f"(?s)^In the validation data .*{sklearn_message}"):
            quiet(clone(model).fit, first, y, X_val=with_nan, y_val=y)
