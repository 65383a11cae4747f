"""ONNX export of a model fitted on a DataFrame it encodes, run by onnxruntime (issue 23)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_backprop import BackpropClassifier, BackpropRegressor, onnx_inputs, to_onnx

from ._helpers import quiet_fit

ort = pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")

from onnx import TensorProto, helper  # noqa: E402  (skl2onnx brings onnx)

from sklearn_backprop._onnx_columns import ENCODED_COLUMNS, one_hot_positions  # noqa: E402

# Every kind of column the encoder takes, odd names among them.
DTYPES = {
    "plain": "float64",
    "count": "Int64",
    "ratio": "Float64",
    "flag": "bool",
    "maybe": "boolean",
    "colour": "category",
    "name": "string",
    "kind": "object",
    "many things": "object",  # beyond MAX_CATEGORIES: the rarest grouped as infrequent
    "2nd-size (cm)": "float64",
}
MISSING = {"plain": np.nan, "count": pd.NA, "ratio": pd.NA, "maybe": pd.NA, "colour": np.nan,
           "name": pd.NA, "kind": None, "many things": None, "2nd-size (cm)": np.nan}  # fmt: skip


def frame(values):
    """A DataFrame of ``{column: values}`` with the columns' dtypes of DTYPES."""
    return pd.DataFrame({name: pd.Series(values[name], dtype=DTYPES[name]) for name in DTYPES})


def table(n=240, seed=0):
    rng = np.random.RandomState(seed)
    values = {
        "plain": rng.normal(size=n),
        "count": rng.randint(0, 6, n).astype(object),
        "ratio": rng.rand(n).astype(object),
        "flag": rng.rand(n) > 0.5,
        "maybe": (rng.rand(n) > 0.3).astype(object),
        "colour": rng.choice(["red", "green", "blue"], n).astype(object),
        "name": rng.choice(["ann", "bob"], n).astype(object),
        "kind": rng.choice(["x", "y", "z"], n).astype(object),
        # Zipf-like frequencies: the 30 categories do not tie at the cut.
        "many things": np.array([f"thing {int(v) % 30}" for v in rng.zipf(1.3, n)], dtype=object),
        "2nd-size (cm)": rng.normal(size=n) * 10 + 50,
    }
    for name, missing in MISSING.items():  # missing values in every column that can hold them
        values[name][rng.rand(n) < 0.1] = missing
    X = frame(values)
    score = X["plain"].fillna(0).to_numpy() + (X["colour"] == "red") - (X["kind"] == "z")
    return X, score.to_numpy(dtype=float)


def odd_rows():
    """Rows of unseen categories, of missing values everywhere, and a mix of both."""
    rows = {
        "plain": [0.5, np.nan, 1.0], "count": [7, pd.NA, 2], "ratio": [0.5, pd.NA, 2.0],
        "flag": [True, False, True], "maybe": [False, pd.NA, True],
        "colour": ["purple", np.nan, "red"], "name": ["eve", pd.NA, "ann"],
        "kind": ["w", None, "x"], "many things": ["thing 99", None, "nothing"],
        "2nd-size (cm)": [40.0, np.nan, np.nan],
    }  # fmt: skip
    return frame(rows)


def new_data():
    X, _ = table(seed=1)
    return pd.concat([X, odd_rows()], ignore_index=True).astype(DTYPES)


def run_onnx(model, feed):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, feed)


def fitted(head, y_of_score, **params):
    X, score = table()
    model = head(hidden_layer_sizes=(8,), max_iter=60, random_state=0, **params)
    return quiet_fit(model, X, y_of_score(score)), X


TARGETS = {
    "binary": lambda score: np.where(score > 0.3, "yes", "no"),
    "multiclass": lambda score: np.digitize(score, np.quantile(score, [0.33, 0.66])),
}


@pytest.mark.parametrize("target", list(TARGETS))
def test_classifier_matches_predict_proba_and_predict(target):
    clf, X = fitted(BackpropClassifier, TARGETS[target])
    X_new = new_data()
    labels, probabilities = run_onnx(to_onnx(clf, X), onnx_inputs(clf, X_new))
    np.testing.assert_allclose(probabilities, clf.predict_proba(X_new), atol=1e-5)
    expected = clf.predict(X_new)
    np.testing.assert_array_equal(labels.astype(expected.dtype), expected)


@pytest.mark.parametrize("n_targets", [1, 2])
def test_regressor_matches_predict(n_targets):
    reg, X = fitted(
        BackpropRegressor, lambda score: np.c_[score + 10, 20 - score][:, :n_targets].squeeze()
    )
    X_new = new_data()
    (prediction,) = run_onnx(to_onnx(reg, X), onnx_inputs(reg, X_new))
    np.testing.assert_allclose(prediction, reg.predict(X_new).reshape(len(X_new), -1), rtol=1e-5)


def with_encoded_output(onnx_model, width):
    onnx_model.graph.output.append(
        helper.make_tensor_value_info(ENCODED_COLUMNS, TensorProto.FLOAT, [None, width])
    )
    return onnx_model


def test_encoding_graph_gives_the_column_transformers_output():
    reg, X = fitted(BackpropRegressor, lambda score: score)
    X_new = new_data()
    expected = reg.column_transformer_.transform(reg._column_encoder._prepared(X_new))
    model = with_encoded_output(to_onnx(reg, X), expected.shape[1])
    _, encoded = run_onnx(model, onnx_inputs(reg, X_new))
    np.testing.assert_allclose(encoded, expected, rtol=1e-6)


@pytest.mark.parametrize("column", ["colour", "many things", "kind"])
def test_one_hot_positions_are_those_of_transform(column):
    # The mapping is derived from public attributes; here each category, and
    # an unseen one, goes through the fitted OneHotEncoder itself.
    reg, _ = fitted(BackpropRegressor, lambda score: score)
    one_hot = reg.column_transformer_.named_transformers_["categorical"]
    index = list(one_hot.feature_names_in_).index(column)
    categories = [*one_hot.categories_[index], "never seen"]
    rows = np.array([[c[0] for c in one_hot.categories_]] * len(categories), dtype=object)
    rows[:, index] = categories
    names = one_hot.feature_names_in_
    widths = [one_hot_positions(one_hot, i, name)[2] for i, name in enumerate(names)]
    start = sum(widths[:index])
    block = one_hot.transform(pd.DataFrame(rows, columns=names))
    block = block[:, start : start + widths[index]]
    assert block.shape[1] == widths[index]
    positions, default, _ = one_hot_positions(one_hot, index, column)
    fed = ["" if not isinstance(c, str) else c for c in categories]
    expected = [positions.get(text, default) for text in fed]
    found = [int(np.argmax(row)) if row.any() else -1 for row in block]
    assert found == expected
    if column == "many things":  # grouped: the infrequent column, unseen ones there too
        assert one_hot.infrequent_categories_[index] is not None
        assert expected[-1] >= 0


def test_inputs_are_the_columns_by_name_and_kind():
    clf, X = fitted(BackpropClassifier, TARGETS["binary"])
    graph_inputs = to_onnx(clf, X).graph.input
    assert [graph_input.name for graph_input in graph_inputs] == list(X.columns)
    text = {"colour", "name", "kind", "many things"}
    assert [graph_input.type.tensor_type.elem_type for graph_input in graph_inputs] == [
        TensorProto.STRING if name in text else TensorProto.FLOAT for name in X.columns
    ]


def test_onnx_inputs_leaves_the_frame_as_it_was():
    clf, _ = fitted(BackpropClassifier, TARGETS["binary"])
    X_new = new_data()
    before = X_new.copy()
    feed = onnx_inputs(clf, X_new)
    pd.testing.assert_frame_equal(X_new, before)
    assert feed["colour"][-2:, 0].tolist() == ["", "red"]
    assert np.isnan(feed["count"][-2, 0])
    assert feed["count"].dtype == np.float32


def test_onnx_inputs_of_an_array_model_is_its_float32_input():
    X, score = table()
    X = X[["plain"]].fillna(0).to_numpy()
    clf = quiet_fit(BackpropClassifier(max_iter=5, random_state=0), X, score > 0)
    feed = onnx_inputs(clf, X)
    assert list(feed) == ["X"]
    assert feed["X"].dtype == np.float32
    labels, _ = run_onnx(to_onnx(clf, X), feed)
    np.testing.assert_array_equal(labels.astype(bool), clf.predict(X))


def test_a_pipeline_of_the_model_alone_exports():
    X, score = table()
    pipeline = make_pipeline(BackpropRegressor(max_iter=20, random_state=0))
    quiet_fit(pipeline, X, score + 10)
    (prediction,) = run_onnx(to_onnx(pipeline, X), onnx_inputs(pipeline, X))
    np.testing.assert_allclose(prediction[:, 0], pipeline.predict(X), rtol=1e-5)


def test_a_pipeline_with_steps_before_the_encoding_model_is_refused():
    X, score = table()
    pipeline = make_pipeline(FunctionTransformer(), BackpropRegressor(max_iter=5, random_state=0))
    quiet_fit(pipeline, X, score)
    with pytest.raises(ValueError, match="the steps before it give"):
        to_onnx(pipeline, X)


def test_x_sample_must_be_a_frame_of_the_columns():
    reg, X = fitted(BackpropRegressor, lambda score: score)
    with pytest.raises(ValueError, match="X_sample must be a DataFrame"):
        to_onnx(reg, X.to_numpy())
    with pytest.raises(ValueError, match="feature names should match"):
        to_onnx(reg, X.drop(columns="plain"))


def test_empty_string_category_is_refused():
    X, score = table()
    X["kind"] = X["kind"].where(X["kind"] != "z", "")
    reg = quiet_fit(BackpropRegressor(max_iter=5, random_state=0), X, score)
    with pytest.raises(ValueError, match="'kind' had the empty string as a category"):
        to_onnx(reg, X)


@pytest.mark.parametrize(
    ("head", "output"),
    [(BackpropClassifier, "label"), (BackpropClassifier, "probabilities"),
     (BackpropRegressor, "variable")],
)  # fmt: skip
def test_a_column_named_like_an_output_is_refused(head, output):
    X, score = table()
    X = X.rename(columns={X.columns[0]: output})
    y = score > np.median(score) if head is BackpropClassifier else score
    model = quiet_fit(head(max_iter=5, random_state=0), X, y)
    with pytest.raises(ValueError, match=f"\\['{output}'\\] have the name of an output"):
        to_onnx(model, X)


def test_skl2onnx_with_guessed_inputs_is_told_to_use_to_onnx():
    from sklearn_backprop import register_onnx_converter

    register_onnx_converter()
    X, score = table()
    X = X[["plain", "kind"]]  # dtypes skl2onnx guesses: float64 as double, object as strings
    reg = quiet_fit(BackpropRegressor(max_iter=5, random_state=0), X, score)
    with pytest.raises(ValueError, match=r"sklearn_backprop\.to_onnx\(model, X_sample\)"):
        skl2onnx.to_onnx(reg, X[:1])


@pytest.mark.parametrize(
    "columns", [["kind", "colour"], ["plain", "maybe"]], ids=["text", "numbers"]
)
def test_a_frame_of_one_kind_of_column(columns):
    # The ColumnTransformer then holds one transformer with columns, and one without.
    X, score = table()
    # A target away from zero, so that the relative error of float32 means something.
    reg = quiet_fit(BackpropRegressor(max_iter=20, random_state=0), X[columns], score + 10)
    X_new = new_data()[columns]
    (prediction,) = run_onnx(to_onnx(reg, X[columns]), onnx_inputs(reg, X_new))
    np.testing.assert_allclose(prediction[:, 0], reg.predict(X_new), rtol=1e-5)


def test_integer_column_names_become_input_names():
    X, score = table()
    X = X.set_axis(list(range(len(X.columns)))[::-1], axis=1)
    reg = quiet_fit(BackpropRegressor(max_iter=5, random_state=0), X, score)
    feed = onnx_inputs(reg, X)
    assert list(feed) == [str(name) for name in X.columns]
    predicted = run_onnx(to_onnx(reg, X), feed)[0]
    np.testing.assert_allclose(predicted.ravel(), reg.predict(X), rtol=1e-5, atol=1e-5)
