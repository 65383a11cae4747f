"""What each DataFrame column becomes: decided at fit from its dtype, built from scikit-learn.

A pandas DataFrame (or a polars one, read as its pandas copy) whose columns
are not all plain NumPy numbers without missing values is encoded before
training, by a ``ColumnTransformer`` of scikit-learn's own transformers:

- numeric columns (NumPy or nullable ``Int64``/``Float64``) and boolean
  columns (``bool``, ``boolean``): missing values (NaN, ``pd.NA``) imputed
  with the median, plus a 0/1 indicator for each column that had any;
- category, string and object columns of strings: one-hot encoded, missing
  values as a category of their own; beyond ``MAX_CATEGORIES`` categories,
  the rarest are grouped into one "infrequent" column, so that the width
  stays bounded; categories unseen at fit are encoded as that group where
  it exists, else as all zeros.

The network then standardizes what comes out (``_scaling``). Columns of
any other kind (dates, durations, lists, mixed objects) are refused with
their names. The encoding is fixed by the first fit: later calls to
``partial_fit`` or warm-started fits use it as it is.
"""

from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder

MAX_CATEGORIES = 20  # one-hot columns per categorical column, the infrequent group included
MISSING_TEXT = ""  # a missing categorical value, as an exported ONNX graph takes it

_WHAT_TO_DO = (
    "Convert them to numbers or strings first (a date, for instance, to its year or to "
    "days since a reference date; a list or mixed values to one string per row), or drop them."
)


def is_pandas_frame(X):
    return isinstance(X, pd.DataFrame)


def _is_polars_frame(X):
    kind = type(X)
    return kind.__name__ == "DataFrame" and kind.__module__.split(".")[0] == "polars"


def with_readable_names(X):
    """``X`` for scikit-learn's checks: a polars frame as pandas over its NumPy array.

    scikit-learn 1.6 reads polars' column names only through ``__dataframe__``,
    which polars 2 dropped, and 1.9 casts a float32 polars frame to float64;
    as pandas (no pyarrow needed), a plain-number frame keeps its names and its
    dtype at every version, as a NumPy array does.
    """
    if _is_polars_frame(X):
        return pd.DataFrame(X.to_numpy(), columns=X.columns)
    return X


def _plain_polars(column):
    if not column.dtype.is_numeric() or column.null_count():
        return False
    return not (column.dtype.is_float() and column.is_nan().any())


def as_pandas(X):
    """A polars DataFrame as pandas, whose dtypes decide the columns' roles; all else as is."""
    if not _is_polars_frame(X):
        return X
    import polars as pl

    frame = X.to_pandas()
    # A Boolean column becomes NumPy bool without nulls and object with them: the
    # nullable "boolean" either way, so that a batch with a null keeps its kind.
    for name, dtype in X.schema.items():
        if dtype == pl.Boolean:
            frame[name] = frame[name].astype("boolean")
    return frame


def column_kind(column):
    """'numeric', 'boolean' or 'categorical'; otherwise a description of why it is unusable."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_string_dtype(dtype):  # string dtypes, and object
        inferred = _inferred(column)
        # Python booleans with None among them are categories, as strings are.
        if inferred in {"string", "empty", "boolean"}:
            return "categorical"
        return f"objects of mixed types ({inferred})"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "numeric"
    return f"dtype {dtype}"


def _inferred(column):
    return pd.api.types.infer_dtype(column, skipna=True)


def needs_encoding(X):
    """Whether DataFrame ``X`` has a column that is not plain NumPy numbers without NaN."""
    if _is_polars_frame(X):  # plain numbers go to scikit-learn (with_readable_names)
        return not all(_plain_polars(column) for column in X.iter_columns())
    if not is_pandas_frame(X):
        return False
    for _, column in X.items():
        plain = isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf"
        if not plain or column.isna().any():
            return True
    return False


def _kinds(X):
    return {name: column_kind(column) for name, column in X.items()}


def _check_usable(kinds):
    unusable = {
        name: kind
        for name, kind in kinds.items()
        if kind not in {"numeric", "boolean", "categorical"}
    }
    if unusable:
        found = ", ".join(f"{name!r} ({kind})" for name, kind in unusable.items())
        raise ValueError(f"Column(s) {found} cannot be used as input. {_WHAT_TO_DO}")


def _as_text(column):
    """A categorical column as object strings, missing values as NaN (what OneHotEncoder takes)."""
    missing = column.isna().to_numpy()
    text = column.astype(object).to_numpy(dtype=object, na_value=np.nan)
    text = np.array([value if isinstance(value, str) else str(value) for value in text], object)
    text[missing] = np.nan
    return text


class ColumnEncoder:
    """One fit's columns: their kinds, and the fitted ``ColumnTransformer`` encoding them."""

    def __init__(self, kinds, transformer):
        self.kinds = kinds
        self.transformer = transformer

    @classmethod
    def fit(cls, X):
        """Decide each column's role from its dtype and fit the transformers on ``X``."""
        X = as_pandas(X)
        kinds = _kinds(X)
        _check_usable(kinds)
        # Selected by name; by position where the names are not all strings, since
        # ColumnTransformer reads integers as positions.
        by_name = all(isinstance(name, str) for name in kinds)
        selected = list(kinds) if by_name else list(range(len(kinds)))
        roles = list(zip(selected, kinds.values(), strict=True))
        numeric = [key for key, kind in roles if kind != "categorical"]
        categorical = [key for key, kind in roles if kind == "categorical"]
        impute = SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
        one_hot = OneHotEncoder(
            handle_unknown="infrequent_if_exist", max_categories=MAX_CATEGORIES,
            sparse_output=False, dtype=np.float64,
        )  # fmt: skip
        transformer = ColumnTransformer(
            [("numeric", impute, numeric), ("categorical", one_hot, categorical)],
            sparse_threshold=0.0, verbose_feature_names_out=False,
        )  # fmt: skip
        encoder = cls(kinds, transformer)
        transformer.fit(encoder._prepared(X))
        return encoder

    def _prepared(self, X):
        """A copy of ``X`` with its categorical columns as text (``X`` itself is left as it is)."""
        categorical = [name for name, kind in self.kinds.items() if kind == "categorical"]
        if not categorical:
            return X
        # Column by column, not assign(**...): a column may be named "self".
        prepared = X.copy(deep=False)
        for name in categorical:
            prepared[name] = _as_text(X[name])
        return prepared

    def _check_columns(self, X, name):
        if not is_pandas_frame(X):
            raise ValueError(
                f"The model was fitted on a DataFrame whose columns it encodes; {name} must "
                f"be a DataFrame with the same columns: {list(self.kinds)}."
            )
        if list(X.columns) != list(self.kinds):
            raise ValueError(
                f"The feature names should match those that were passed during fit: "
                f"{name} has columns {list(X.columns)}, the model {list(self.kinds)}."
            )
        kinds = _kinds(X)
        changed = {column: kind for column, kind in kinds.items() if kind != self.kinds[column]}
        if changed:
            found = ", ".join(
                f"{column!r} was {self.kinds[column]} at fit and is {kind} now (dtype "
                f"{X[column].dtype})"
                for column, kind in changed.items()
            )
            raise ValueError(
                f"The kind of column(s) changed since fit: {found}. Pass them as at fit."
            )

    def names(self):
        """``feature_names_in_``: the columns' names where all are strings (as scikit-learn)."""
        names = list(self.kinds)
        return np.asarray(names, dtype=object) if all(isinstance(n, str) for n in names) else None

    def column_names(self, selected):
        """The names of columns as the ColumnTransformer selects them (names or positions)."""
        names = list(self.kinds)
        return [key if isinstance(key, str) else names[key] for key in selected]

    def transform(self, X, name="X", dtype=np.float64):
        """``X`` encoded as an array, after checking its columns against the fit's."""
        X = as_pandas(X)
        self._check_columns(X, name)
        return np.asarray(self.transformer.transform(self._prepared(X)), dtype=dtype)

    def onnx_feed(self, X, name="X"):
        """``X``'s columns as the exported ONNX graph takes them: ``{column: (n, 1) array}``.

        Numeric and boolean columns as float32, NaN where missing; categorical
        ones as text (as at fit), ``MISSING_TEXT`` where missing.
        """
        X = as_pandas(X)
        self._check_columns(X, name)
        feed = {}
        for column, kind in self.kinds.items():
            if kind == "categorical":
                values = _as_text(X[column])
                values[X[column].isna().to_numpy()] = MISSING_TEXT
            else:
                values = X[column].to_numpy(dtype=np.float32, na_value=np.nan)
            feed[str(column)] = values.reshape(-1, 1)
        return feed

    def described(self):
        """What each column became, in words: ``{column: description}``."""
        numeric = self.transformer.named_transformers_["numeric"]
        categorical = self.transformer.named_transformers_["categorical"]
        columns = {name: self.column_names(keys) for name, _, keys in self.transformer.transformers}
        with_indicator = set()
        if getattr(numeric, "indicator_", None) is not None:
            with_indicator = {columns["numeric"][i] for i in numeric.indicator_.features_}
        description = {}
        for column, kind in self.kinds.items():
            if kind == "categorical":
                index = columns["categorical"].index(column)
                description[column] = _one_hot_words(categorical, index)
            else:
                missing = ", missing values imputed (median) + indicator"
                description[column] = f"{kind}: standardized" + (
                    missing if column in with_indicator else ""
                )
        return description


def _one_hot_words(encoder, index):
    n_categories = len(encoder.categories_[index])
    infrequent = encoder.infrequent_categories_[index]
    if infrequent is None:
        return f"categorical: one-hot, {n_categories} categories"
    kept = n_categories - len(infrequent)
    return (
        f"categorical: one-hot, {kept} most frequent of {n_categories} categories, "
        "the others grouped as infrequent"
    )


def column_encoder(X, mlp_parity):
    """A new ``ColumnEncoder`` fitted on ``X``, or None where X goes as it is."""
    return None if mlp_parity or not needs_encoding(X) else ColumnEncoder.fit(X)


def column_attributes(encoder):
    """The fitted ``(column_transformer_, input_columns_)``; ``(None, None)`` without encoder."""
    return (None, None) if encoder is None else (encoder.transformer, encoder.described())


def encoded(encoder, inputs):
    """The fit's inputs (``FitInputs``) with X and X_val encoded; as they are without encoder."""
    if encoder is None:
        return inputs
    validation = inputs.validation
    if validation is not None:
        X_val, y_val, sample_weight_val = validation
        validation = (encoder.transform(X_val, "X_val"), y_val, sample_weight_val)
    return replace(inputs, X=encoder.transform(inputs.X), validation=validation)
