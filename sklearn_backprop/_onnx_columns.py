"""ONNX graph of a DataFrame's encoding: the fitted ``ColumnTransformer`` of ``_columns``, as nodes.

The exported graph has one input per column, named by the column, of shape
``[None, 1]``: float32 for numeric and boolean columns (NaN where missing),
strings for categorical ones (``MISSING_TEXT``, the empty string, where
missing). From them it rebuilds what ``ColumnEncoder.transform`` gives,
column for column:

- numeric columns: ``Where(IsNaN(x), median, x)``, then the 0/1 indicators
  of the columns in ``indicator_.features_``;
- each categorical column: ai.onnx.ml ``LabelEncoder`` from the text to its
  one-hot position (infrequent categories and, where there is one, unseen
  ones to the infrequent column; unseen ones to -1, all zeros, otherwise),
  then ``Equal`` with ``0 .. width - 1``.

The forward pass (``_onnx``) takes the concatenation, named
``encoded_columns``, as a model fitted on arrays takes its input.
"""

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import FloatTensorType, StringTensorType

from ._columns import MISSING_TEXT

ENCODED_COLUMNS = "encoded_columns"  # the concatenation's name in the graph


def input_types(encoder):
    """skl2onnx's ``initial_types``: one ``[None, 1]`` input per column, named by the column."""
    text, number = StringTensorType([None, 1]), FloatTensorType([None, 1])
    return [
        (str(name), text if kind == "categorical" else number)
        for name, kind in encoder.kinds.items()
    ]


def _fed(category):
    """A category as the graph's input holds it: missing (NaN) as ``MISSING_TEXT``."""
    return MISSING_TEXT if not isinstance(category, str) and np.isnan(category) else category


def one_hot_positions(one_hot, index, column):
    """``({text: position}, default, width)`` of the ``index``-th column of a fitted OneHotEncoder.

    From its public ``categories_`` and ``infrequent_categories_``: frequent
    categories in their order, then the infrequent column, where unseen ones
    go too (``default``; -1, all zeros, where there is none).
    """
    categories = list(one_hot.categories_[index])
    if MISSING_TEXT in categories:
        raise ValueError(
            f"Column {column!r} had the empty string as a category at fit; the ONNX graph "
            "takes it as a missing value, so it cannot tell the two apart. Replace the empty "
            "strings (with missing values, or another text) and fit again to export."
        )
    infrequent = one_hot.infrequent_categories_[index]
    grouped = set() if infrequent is None else {_fed(category) for category in infrequent}
    frequent = [_fed(category) for category in categories if _fed(category) not in grouped]
    positions = {text: position for position, text in enumerate(frequent)}
    default = -1 if infrequent is None else len(frequent)
    positions.update(dict.fromkeys(grouped, default))
    return positions, default, len(frequent) + (infrequent is not None)


def _check_inputs(encoder, inputs):
    expected = [(name, type(kind)) for name, kind in input_types(encoder)]
    found = [(variable.raw_name, type(variable.type)) for variable in inputs]
    if found != expected:
        raise ValueError(
            "This model encodes the columns of a DataFrame: its ONNX graph needs one input per "
            f"column, {[(name, kind.__name__) for name, kind in expected]}; skl2onnx gave "
            f"{[(name, kind.__name__) for name, kind in found]}. Export it with "
            "sklearn_backprop.to_onnx(model, X_sample) and X_sample a DataFrame."
        )


def encoded_columns(graph, encoder, inputs):
    """The name of the float32 ``(n, width)`` encoding of the column inputs, as at fit."""
    _check_inputs(encoder, inputs)
    by_column = {variable.raw_name: variable.full_name for variable in inputs}
    parts = []
    for name, fitted, columns in encoder.transformer.transformers_:
        if len(columns) == 0 or isinstance(fitted, str):  # skipped, or "drop"
            continue
        names = encoder.column_names(columns)
        column_inputs = [by_column[str(column)] for column in names]
        if name == "numeric":
            parts += _imputed(graph, fitted, column_inputs)
        else:
            parts += _one_hot(graph, fitted, column_inputs, names)
    output = graph.scope.get_unique_variable_name(ENCODED_COLUMNS)
    return graph.node("Concat", parts, output, axis=1)


def _imputed(graph, imputer, column_inputs):
    """The imputed numeric columns, then the indicators of those that had missing values at fit."""
    numbers = graph.node("Concat", column_inputs, axis=1)
    missing = graph.node("IsNaN", [numbers])
    medians = graph.constant("medians", imputer.statistics_.astype(np.float32))
    parts = [graph.node("Where", [missing, medians, numbers])]
    indicator = getattr(imputer, "indicator_", None)
    if indicator is not None and len(indicator.features_):
        flags = graph.node("Cast", [missing], to=TensorProto.FLOAT)
        indicated = graph.constant(
            "indicated", indicator.features_.astype(np.int64), TensorProto.INT64
        )
        parts.append(graph.node("Gather", [flags, indicated], axis=1))
    return parts


def _one_hot(graph, one_hot, column_inputs, columns):
    """Each categorical column's one-hot block: its text's position, compared with each column's."""
    parts = []
    for index, (column_input, column) in enumerate(zip(column_inputs, columns, strict=True)):
        positions, default, width = one_hot_positions(one_hot, index, column)
        position = graph.node(
            "LabelEncoder", [column_input], op_domain="ai.onnx.ml", op_version=2,
            keys_strings=list(positions), values_int64s=list(positions.values()),
            default_int64=default,
        )  # fmt: skip
        every_position = graph.constant(
            "positions", np.arange(width, dtype=np.int64), TensorProto.INT64
        )
        is_position = graph.node("Equal", [position, every_position])
        parts.append(graph.node("Cast", [is_position], to=TensorProto.FLOAT))
    return parts


def inputs_named_by_column(onnx_model, encoder):
    """``onnx_model`` with its inputs named by the columns themselves, which it returns.

    skl2onnx names variables as C identifiers (``"a b"`` becomes ``"a_b"``, a
    leading digit gets an underscore, a repeat a number); its inner names
    never take a column's own name, which is then free to use. The outputs'
    names are fixed ("label", "probabilities"; "variable"): a column named
    like one is refused, since ONNX allows one definition of a name.
    """
    columns = [str(name) for name in encoder.kinds]
    graph = onnx_model.graph
    taken = sorted({output.name for output in graph.output} & set(columns))
    if taken:
        raise ValueError(
            f"Column(s) {taken} have the name of an output of the ONNX graph, which ONNX "
            "cannot tell apart from an input of that name: rename them (in the DataFrame "
            "at fit) to export the model."
        )
    renamed = {
        graph_input.name: column
        for graph_input, column in zip(graph.input, columns, strict=True)
        if graph_input.name != column
    }
    for graph_input in graph.input:
        graph_input.name = renamed.get(graph_input.name, graph_input.name)
    for node in graph.node:
        for position, name in enumerate(node.input):
            node.input[position] = renamed.get(name, name)
    return onnx_model
