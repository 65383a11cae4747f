"""Where a model fitted on a DataFrame goes: skops, Pipelines, GridSearchCV, ONNX (issue 23)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_backprop import BackpropClassifier, BackpropRegressor
from sklearn_backprop._export import TRUSTED_TYPES

from ._helpers import quiet

HEADS = [BackpropClassifier, BackpropRegressor]


def _table(n=120, seed=0):
    rng = np.random.RandomState(seed)
    size = rng.normal(size=n) * 30 + 100
    size[rng.rand(n) < 0.1] = np.nan
    colour = np.array(["red", "green", "blue"], dtype=object)[rng.randint(0, 3, n)]
    colour[rng.rand(n) < 0.1] = np.nan
    X = pd.DataFrame({"size": size, "colour": colour, "flag": rng.rand(n) > 0.5})
    y = ((np.nan_to_num(size, nan=100.0) > 100) ^ (colour == "red")).astype(int)
    return X, y


def _model(head, **params):
    return head(hidden_layer_sizes=(6,), max_iter=40, random_state=0, **params)


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_skops_round_trip_with_the_trusted_types(head, tmp_path):
    sio = pytest.importorskip("skops.io")
    X, y = _table()
    model = quiet(_model(head).fit, X, y)
    sio.dump(model, tmp_path / "model.skops")
    assert set(sio.get_untrusted_types(file=tmp_path / "model.skops")) <= set(TRUSTED_TYPES)
    restored = sio.load(tmp_path / "model.skops", trusted=TRUSTED_TYPES)
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    assert restored.input_columns_ == model.input_columns_


def _column_transformer():
    words = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="none"),
        OneHotEncoder(handle_unknown="ignore"),
    )
    numbers = make_pipeline(SimpleImputer(), StandardScaler())
    return ColumnTransformer(
        [
            ("numbers", numbers, ["size"]),
            ("words", words, ["colour"]),
            ("flags", "passthrough", ["flag"]),
        ],
        sparse_threshold=0.0,
    )


def test_a_column_transformer_in_front_still_works_and_is_not_harmed():
    X, y = _table()
    pipeline = quiet(make_pipeline(_column_transformer(), _model(BackpropClassifier)).fit, X, y)
    network = pipeline[-1]
    assert network.column_transformer_ is None  # numbers in: nothing left to encode
    Z = pipeline[0].transform(X)
    # Means of standardized columns are zero but for rounding: an absolute tolerance.
    np.testing.assert_allclose(network.input_mean_, Z.mean(axis=0), rtol=1e-7, atol=1e-12)
    # Already standardized columns pass through the scaling almost untouched.
    np.testing.assert_allclose(network.input_scale_[:1], 1.0)
    reference = quiet(_model(BackpropClassifier, mlp_parity=True).fit, Z, y)
    assert pipeline.score(X, y) >= reference.score(Z, y) - 0.05


def test_grid_search_over_a_raw_dataframe():
    X, y = _table()
    search = GridSearchCV(_model(BackpropClassifier), {"alpha": [1e-4, 1e-1]}, cv=3)
    quiet(search.fit, X, y)
    assert search.best_estimator_.input_columns_["colour"].startswith("categorical")
    assert search.predict(X).shape == y.shape


def test_onnx_export_of_encoded_columns_matches_predict_proba():
    # The many kinds of columns, unseen categories and odd names: test_export_columns.
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    from sklearn_backprop import onnx_inputs, to_onnx

    X, y = _table()
    model = quiet(_model(BackpropClassifier).fit, X, y)
    session = ort.InferenceSession(to_onnx(model, X.head(1)).SerializeToString())
    labels, probabilities = session.run(None, onnx_inputs(model, X))
    np.testing.assert_allclose(probabilities, model.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(labels, model.predict(X))


def _polars_table(pl, n=60, seed=0):
    rng = np.random.RandomState(seed)
    return pl.DataFrame(
        {
            "size": [None if i % 9 == 0 else float(v) for i, v in enumerate(rng.normal(size=n))],
            "count": [None if i % 11 == 0 else int(v) for i, v in enumerate(rng.randint(0, 50, n))],
            "flag": [None if i % 13 == 0 else bool(v) for i, v in enumerate(rng.rand(n) > 0.5)],
            "colour": pl.Series([["red", "green", "blue"][v] for v in rng.randint(0, 3, n)]).cast(
                pl.Categorical
            ),
            "word": [None if i % 7 == 0 else "xyz"[v] for i, v in enumerate(rng.randint(0, 3, n))],
        }
    )


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_a_polars_dataframe_is_encoded_as_its_pandas_copy(head):
    pl = pytest.importorskip("polars")
    X = _polars_table(pl)
    y = np.arange(len(X)) % 2
    model = quiet(_model(head).fit, X, y)
    as_pandas = X.to_pandas().astype({"flag": "boolean"})  # nulls: object, else bool
    reference = quiet(_model(head).fit, as_pandas, y)
    assert list(model.feature_names_in_) == X.columns
    assert model.input_columns_ == reference.input_columns_
    assert model.input_columns_["colour"].startswith("categorical")
    new_rows = X.with_columns(pl.lit("purple").alias("word"))  # a category unseen at fit
    np.testing.assert_allclose(
        model.predict(new_rows),
        reference.predict(new_rows.to_pandas().astype({"flag": "boolean"})),
        rtol=1e-12,
    )


def test_a_polars_date_column_is_refused_by_name():
    pl = pytest.importorskip("polars")
    import datetime

    X = _polars_table(pl).with_columns(pl.lit(datetime.date(2026, 1, 1)).alias("when"))
    with pytest.raises(ValueError, match="'when'"):
        _model(BackpropClassifier).fit(X, np.arange(len(X)) % 2)


def test_a_polars_fitted_model_exports_and_runs_on_polars_rows():
    pl = pytest.importorskip("polars")
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    from sklearn_backprop import onnx_inputs, to_onnx

    X = _polars_table(pl)
    model = quiet(_model(BackpropClassifier).fit, X, np.arange(len(X)) % 2)
    session = ort.InferenceSession(to_onnx(model, X.head(1)).SerializeToString())
    labels, probabilities = session.run(None, onnx_inputs(model, X))
    np.testing.assert_allclose(probabilities, model.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(labels, model.predict(X))


def test_a_polars_boolean_column_keeps_its_kind_whether_or_not_a_batch_has_nulls():
    pl = pytest.importorskip("polars")
    X = _polars_table(pl).with_columns(pl.Series("flag", [i % 3 == 0 for i in range(60)]))
    model = quiet(_model(BackpropClassifier).fit, X, np.arange(len(X)) % 2)
    assert model.input_columns_["flag"].startswith("boolean")
    with_null = X.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(None)
                               .otherwise(pl.col("flag")).alias("flag"))  # fmt: skip
    assert with_null["flag"].null_count() == 1
    assert model.predict(with_null).shape == (len(X),)


def _plain_polars_pair(pl, dtype=np.float64):
    X = pl.DataFrame({"a": [0.5, 1.5, -2.0, 3.0] * 10, "b": list(range(40))})
    X = X.with_columns(pl.all().cast(pl.Float32 if dtype == np.float32 else pl.Float64))
    return X, np.arange(40) % 2


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_plain_numeric_polars_frame_keeps_its_names_and_fits_as_its_numbers(dtype):
    # At every scikit-learn (1.6 reads no polars names with polars 2; 1.9 casts
    # float32 polars to float64): the names kept, the model of its NumPy array.
    pl = pytest.importorskip("polars")
    X, y = _plain_polars_pair(pl, dtype)
    model = quiet(_model(BackpropClassifier).fit, X, y)
    reference = quiet(_model(BackpropClassifier).fit, X.to_numpy(), y)
    assert list(model.feature_names_in_) == ["a", "b"]
    assert model.column_transformer_ is None
    assert model.coefs_[0].dtype == reference.coefs_[0].dtype == dtype
    np.testing.assert_array_equal(model.predict_proba(X), reference.predict_proba(X.to_numpy()))


def test_a_plain_numeric_polars_frame_is_not_copied_to_pandas(monkeypatch):
    pl = pytest.importorskip("polars")
    X, y = _plain_polars_pair(pl)

    def refused(*args, **kwargs):  # to_pandas needs pyarrow: not for plain numbers
        raise AssertionError("converted to pandas")

    monkeypatch.setattr(pl.DataFrame, "to_pandas", refused)
    model = quiet(_model(BackpropClassifier).fit, X, y)
    assert list(model.feature_names_in_) == ["a", "b"]
    assert model.column_transformer_ is None
