"""Solvers, schedules, stopping, warm starts, class weights, validation and history."""

import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy
import sklearn
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight
from threadpoolctl import ThreadpoolController, threadpool_info

from sklearn_backprop import BackpropClassifier, _fastpaths, _memory

from ._helpers import assert_same_weights, quiet


@pytest.fixture(scope="module")
def noisy():
    """A binary problem hard enough to overfit, split into training and validation."""
    X, y = make_classification(
        n_samples=400, n_features=20, n_informative=4, flip_y=0.2, random_state=0
    )
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def both(X, y, **settings):
    """Our fit and MLPClassifier's, every setting spelled out."""
    settings = dict(activation="logistic", hidden_layer_sizes=(7,), random_state=1, **settings)
    ours = quiet(BackpropClassifier(**settings, mlp_parity=True).fit, X, y)
    reference = quiet(MLPClassifier(**settings).fit, X, y)
    return ours, reference


def blas_threads():
    return {info["filepath"]: info["num_threads"] for info in threadpool_info()}


class TestLbfgs:
    def test_matches_mlpclassifier(self, iris):
        ours, reference = both(*iris, solver="lbfgs", max_iter=20)
        assert ours.n_iter_ == reference.n_iter_ == 20
        assert ours.loss_ == pytest.approx(reference.loss_, rel=1e-12)
        assert_same_weights(ours, reference, rtol=1e-9)

    @pytest.fixture
    def scipys_own_blas(self):
        """(paths of scipy's own BLAS libraries, of every BLAS), scipy's set to two threads."""
        # scipy's wheels bring a BLAS of their own beside NumPy's; with two
        # threads each, every L-BFGS evaluation ran 2.5-3x slower.
        controller = ThreadpoolController()
        package = Path(scipy.__file__).resolve().parent
        scipy_dirs = [package, package.with_name("scipy.libs")]
        blas = [lib.filepath for lib in controller.lib_controllers if lib.user_api == "blas"]
        own = [
            path for path in blas if any(Path(path).resolve().is_relative_to(d) for d in scipy_dirs)
        ]
        if not own:
            pytest.skip("scipy uses NumPy's BLAS here")
        with controller.select(filepath=own).limit(limits=2):
            if any(blas_threads()[path] < 2 for path in own):
                pytest.skip("scipy's BLAS cannot run two threads on this machine")
            yield own, blas

    def test_runs_scipys_own_blas_on_one_thread_and_restores_it(
        self, iris, monkeypatch, scipys_own_blas
    ):
        own, blas = scipys_own_blas
        during = []
        original = _memory.loss_and_gradients

        def spy(*args, **kwargs):
            during.append(blas_threads())
            return original(*args, **kwargs)

        monkeypatch.setattr(_memory, "loss_and_gradients", spy)
        before = blas_threads()
        quiet(BackpropClassifier(solver="lbfgs", max_iter=5, random_state=0).fit, *iris)
        after = blas_threads()
        assert during
        assert all(seen[path] == 1 for seen in during for path in own)
        # Restored afterwards; NumPy's BLAS keeps its threads throughout.
        assert after == before
        others = [path for path in blas if path not in own]
        assert all(seen[path] == before[path] for seen in during for path in others)

    def test_overlapping_fits_lift_the_limit_when_the_last_ends(self, scipys_own_blas):
        # As two L-BFGS fits in threads of one process would: the first ends
        # while the second runs.
        own, _ = scipys_own_blas
        first, second = _fastpaths.scipy_blas_on_one_thread(), _fastpaths.scipy_blas_on_one_thread()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)
        assert all(blas_threads()[path] == 1 for path in own)
        second.__exit__(None, None, None)
        assert all(blas_threads()[path] == 2 for path in own)

    def test_records_one_row_per_iteration(self, iris):
        clf = quiet(BackpropClassifier(solver="lbfgs", max_iter=30, random_state=0).fit, *iris)
        assert len(clf.loss_curve_) == len(clf.history_) == clf.n_iter_ == 30
        assert clf.loss_curve_[-1] < clf.loss_curve_[0]
        assert clf.history_["learning_rate"].isna().all()

    def test_warns_when_max_iter_or_max_fun_runs_out(self, iris):
        with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge after 5 iter"):
            BackpropClassifier(solver="lbfgs", max_iter=5).fit(*iris)
        with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
            BackpropClassifier(solver="lbfgs", max_fun=3).fit(*iris)

    def test_converges_without_warning(self, iris):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            clf = BackpropClassifier(
                solver="lbfgs", hidden_layer_sizes=(5,), alpha=1.0, max_iter=2000, random_state=0
            ).fit(*iris)
        assert clf.n_iter_ < 2000
        assert clf.score(*iris) > 0.9

    def test_has_no_partial_fit(self):
        clf = BackpropClassifier(solver="lbfgs")
        assert not hasattr(clf, "partial_fit")
        with pytest.raises(AttributeError) as error:
            clf.partial_fit  # noqa: B018 (the attribute access is what raises)
        assert "partial_fit needs a stochastic solver" in str(error.value.__cause__)


class TestLearningRateSchedules:
    @pytest.mark.parametrize("learning_rate", ["constant", "invscaling", "adaptive"])
    def test_match_mlpclassifier(self, iris, learning_rate):
        ours, reference = both(
            *iris, solver="sgd", learning_rate=learning_rate, learning_rate_init=0.2,
            power_t=0.3, tol=0.05, n_iter_no_change=2, max_iter=60, shuffle=False,
        )  # fmt: skip
        assert ours.n_iter_ == reference.n_iter_
        np.testing.assert_allclose(ours.loss_curve_, reference.loss_curve_, rtol=1e-10)
        assert_same_weights(ours, reference, rtol=1e-10)

    def test_history_shows_the_schedule(self, iris):
        invscaling = quiet(BackpropClassifier(
            solver="sgd", learning_rate="invscaling", learning_rate_init=0.5, power_t=0.5,
            max_iter=4, random_state=0).fit, *iris)  # fmt: skip
        samples_seen = np.arange(4) * len(iris[0])  # before each epoch
        expected = [0.5, *(0.5 / (samples_seen[1:] + 1) ** 0.5)]
        np.testing.assert_allclose(invscaling.history_["learning_rate"], expected)

        adaptive = quiet(BackpropClassifier(
            solver="sgd", learning_rate="adaptive", learning_rate_init=0.5, tol=10.0,
            n_iter_no_change=1, max_iter=12, random_state=0).fit, *iris)  # fmt: skip
        rates = adaptive.history_["learning_rate"].to_numpy()
        assert rates[0] == 0.5
        assert set(np.round(rates[1:] / rates[:-1], 12)) <= {1.0, 0.2}  # divided by 5
        assert rates[-1] < rates[0]

    def test_n_iter_no_change_inf_never_stops_early(self, iris):
        clf = quiet(BackpropClassifier(tol=1e6, n_iter_no_change=np.inf, max_iter=25).fit, *iris)
        assert clf.n_iter_ == 25


class TestEarlyStopping:
    def test_restores_the_epoch_of_the_best_validation_loss(self, noisy):
        X_train, X_val, y_train, y_val = noisy
        clf = BackpropClassifier(
            hidden_layer_sizes=(64,), learning_rate_init=0.02, early_stopping=True,
            n_iter_no_change=15, tol=0.0, max_iter=300, random_state=0,
        ).fit(X_train, y_train, X_val=X_val, y_val=y_val)  # fmt: skip
        assert clf.n_iter_ < 300
        best = min(clf.validation_loss_curve_)
        assert clf.validation_loss_curve_[-1] > best  # the last epoch was not the best...
        kept = log_loss(y_val, clf.predict_proba(X_val))
        assert kept == pytest.approx(best, rel=1e-12)  # ...and the model is the best one
        assert clf.best_validation_score_ == clf.score(X_val, y_val)  # its score, as kept

    def test_mlp_parity_restores_the_best_score_as_mlpclassifier(self, noisy):
        X_train, X_val, y_train, y_val = noisy
        clf = BackpropClassifier(
            hidden_layer_sizes=(64,), learning_rate_init=0.02, early_stopping=True,
            n_iter_no_change=15, tol=0.0, max_iter=300, random_state=0, mlp_parity=True,
        ).fit(X_train, y_train, X_val=X_val, y_val=y_val)  # fmt: skip
        assert clf.n_iter_ < 300
        best = max(clf.validation_scores_)
        assert clf.best_validation_score_ == best
        assert clf.validation_scores_[-1] < best  # the last epoch was not the best...
        assert clf.score(X_val, y_val) == best  # ...and the model is the best one

    def test_binary_hold_out_matches_mlpclassifier(self, noisy):
        X_train, _, y_train, _ = noisy
        ours, reference = both(
            X_train,
            y_train,
            early_stopping=True,
            validation_fraction=0.2,
            max_iter=60,
            learning_rate_init=0.01,
        )
        assert ours.validation_scores_ == pytest.approx(reference.validation_scores_)
        assert ours.best_validation_score_ == reference.best_validation_score_
        assert_same_weights(ours, reference, rtol=1e-10)

    def test_binary_hold_out_is_stratified(self):
        # 2 classes of 10 and 20: a stratified 30% hold-out has 3 and 6, so a
        # model that always predicts one class scores exactly 1/3 or 2/3 on it.
        X = np.random.RandomState(0).normal(size=(30, 2))
        y = np.repeat([0, 1, 1], 10)
        clf = quiet(
            BackpropClassifier(
                early_stopping=True,
                validation_fraction=0.3,
                learning_rate_init=1e-9,
                max_iter=3,
                random_state=0,
            ).fit,
            X,
            y,
        )
        assert clf.validation_scores_[0] in (pytest.approx(1 / 3), pytest.approx(2 / 3))
        assert len(set(clf.validation_scores_)) == 1

    def test_multiclass_hold_out_matches_mlpclassifier(self):
        # MLPClassifier stratifies binary targets only: a random hold-out,
        # which also works where a class is too small to stratify (a class
        # of one sample here).
        X = np.random.RandomState(0).normal(size=(61, 3))
        y = np.r_[np.arange(60) % 3, 3]
        ours, reference = both(
            X, y, early_stopping=True, validation_fraction=0.2, max_iter=20,
            learning_rate_init=0.01,
        )  # fmt: skip
        assert ours.validation_scores_ == pytest.approx(reference.validation_scores_)
        assert ours.best_validation_score_ == reference.best_validation_score_
        assert_same_weights(ours, reference, rtol=1e-10)

    def test_multilabel_hold_out(self):
        X, Y = make_multilabel_classification(n_samples=100, n_classes=3, random_state=0)
        clf = quiet(BackpropClassifier(early_stopping=True, max_iter=5, random_state=0).fit, X, Y)
        assert len(clf.validation_scores_) == 5

    def test_partial_fit_refuses_early_stopping(self, iris):
        with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
            BackpropClassifier(early_stopping=True).partial_fit(*iris, classes=[0, 1, 2])


class TestValidationData:
    def test_validation_figures_are_those_of_the_model(self, noisy):
        X_train, X_val, y_train, y_val = noisy
        clf = quiet(
            BackpropClassifier(max_iter=7, random_state=0).fit,
            X_train,
            y_train,
            X_val=X_val,
            y_val=y_val,
        )
        assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 7
        # Without early stopping the final model is the last epoch's.
        assert clf.validation_scores_[-1] == clf.score(X_val, y_val)
        expected_loss = log_loss(y_val, clf.predict_proba(X_val))
        assert clf.validation_loss_curve_[-1] == pytest.approx(expected_loss, rel=1e-9)

    def test_x_val_needs_y_val(self, iris):
        with pytest.raises(ValueError, match="X_val and y_val must be given together"):
            BackpropClassifier().fit(*iris, X_val=iris[0])

    def test_y_val_with_unknown_label(self, iris):
        X, y = iris
        with pytest.raises(ValueError, match=r"labels \[5\] that are not among the classes"):
            BackpropClassifier().fit(X, y, X_val=X[:3], y_val=[0, 1, 5])

    def test_pipeline_transforms_x_val(self, noisy):
        X_train, X_val, y_train, y_val = noisy
        shift = 1000.0  # unscaled, the validation data would look nothing like the training
        with sklearn.config_context(enable_metadata_routing=True):
            # Scored, not stopped on (early_stopping='auto' would): the last epoch is the model.
            net = BackpropClassifier(
                max_iter=40, learning_rate_init=0.01, random_state=0, early_stopping=False
            )
            net.set_fit_request(X_val=True, y_val=True)
            pipeline = Pipeline(
                [("scale", StandardScaler()), ("net", net)], transform_input=["X_val"]
            )
            quiet(pipeline.fit, X_train + shift, y_train, X_val=X_val + shift, y_val=y_val)
        fitted = pipeline.named_steps["net"]
        assert fitted.validation_scores_[-1] == pipeline.score(X_val + shift, y_val)
        assert fitted.validation_scores_[-1] > 0.6


class TestWarmStart:
    def test_continues_from_the_current_weights(self, iris):
        clf = quiet(
            BackpropClassifier(
                warm_start=True, max_iter=10, random_state=0, learning_rate_init=0.01
            ).fit,
            *iris,
        )
        first_curve = list(clf.loss_curve_)
        quiet(clf.fit, *iris)
        assert clf.loss_curve_[:10] == first_curve
        assert len(clf.loss_curve_) == 20
        assert clf.n_iter_ == 10
        assert clf.loss_curve_[10] < first_curve[0]  # no restart from random weights

    def test_runs_the_full_max_iter_again_after_converging(self, iris):
        clf = BackpropClassifier(
            warm_start=True, tol=1e-2, n_iter_no_change=2, max_iter=200, random_state=0
        )
        clf.fit(*iris)
        first = clf.n_iter_
        assert first < 200
        clf.set_params(tol=0.0, n_iter_no_change=np.inf, max_iter=15)
        quiet(clf.fit, *iris)
        assert clf.n_iter_ == 15

    def test_early_stopping_keeps_the_weights_it_was_given_when_no_epoch_beats_them(self):
        # Each warm fit restores its best epoch; on a validation set of the
        # user's, the weights it starts from (the last fit's best) count among
        # them, so a fit never hands back a model that scores worse there.
        rng = np.random.RandomState(2)
        X, y = rng.randn(90, 3), np.array([0, 1, 2] * 30)
        clf = BackpropClassifier(
            hidden_layer_sizes=(4,), activation="relu", max_iter=50, random_state=0,
            warm_start=True, n_iter_no_change=2, early_stopping=True, learning_rate_init=0.1,
        )  # fmt: skip
        losses = []
        for _ in range(3):
            quiet(clf.fit, X[:60], y[:60], X_val=X[60:], y_val=y[60:])
            losses.append(log_loss(y[60:], clf.predict_proba(X[60:])))
            assert clf.score(X[60:], y[60:]) == clf.best_validation_score_
        assert losses == sorted(losses, reverse=True)

    def test_weights_from_a_fit_without_validation_compete_too(self):
        # The first fit recorded no validation score; the score of the weights
        # a warm fit keeps must still be its best_validation_score_.
        rng = np.random.RandomState(2)
        X, y = rng.randn(90, 3), np.array([0, 1, 2] * 30)
        clf = BackpropClassifier(
            hidden_layer_sizes=(4,), activation="relu", max_iter=50, random_state=5,
            warm_start=True, n_iter_no_change=2, learning_rate_init=0.1,
        )  # fmt: skip
        quiet(clf.fit, X[:60], y[:60])
        given = log_loss(y[60:], clf.predict_proba(X[60:]))
        clf.set_params(early_stopping=True)
        quiet(clf.fit, X[:60], y[:60], X_val=X[60:], y_val=y[60:])
        assert clf.score(X[60:], y[60:]) == clf.best_validation_score_
        assert log_loss(y[60:], clf.predict_proba(X[60:])) <= given

    def test_needs_the_same_classes(self, iris):
        X, y = iris
        clf = quiet(BackpropClassifier(warm_start=True, max_iter=2).fit, X, y)
        with pytest.raises(ValueError, match="warm_start needs y to have the same classes"):
            clf.fit(X[y < 2], y[y < 2])


class TestClassWeight:
    @pytest.mark.parametrize("solver", ["adam", "lbfgs"])
    def test_balanced_equals_the_equivalent_sample_weight(self, iris, solver):
        X, y = iris
        X, y = X[20:], y[20:]  # unbalanced: 30, 50, 50
        balanced = compute_class_weight("balanced", classes=np.unique(y), y=y)
        settings = dict(solver=solver, max_iter=20, random_state=0)
        with_class_weight = quiet(BackpropClassifier(class_weight="balanced", **settings).fit, X, y)
        with_sample_weight = quiet(
            BackpropClassifier(**settings).fit, X, y, sample_weight=balanced[y]
        )
        assert_same_weights(with_class_weight, with_sample_weight, rtol=1e-12)
        unweighted = quiet(BackpropClassifier(**settings).fit, X, y)
        assert not np.allclose(unweighted.coefs_[0], with_class_weight.coefs_[0])

    def test_dict_multiplies_sample_weight(self, iris):
        X, y = iris
        sample_weight = np.linspace(0.5, 1.5, len(y))
        class_weight = {0: 2.0, 2: 0.5}  # class 1 keeps weight 1
        per_class = np.array([2.0, 1.0, 0.5])[y]
        settings = dict(max_iter=5, random_state=0)
        combined = quiet(
            BackpropClassifier(class_weight=class_weight, **settings).fit,
            X,
            y,
            sample_weight=sample_weight,
        )
        explicit = quiet(
            BackpropClassifier(**settings).fit, X, y, sample_weight=sample_weight * per_class
        )
        assert_same_weights(combined, explicit, rtol=1e-12)

    def test_dict_also_in_partial_fit(self, iris):
        X, y = iris
        weighted = BackpropClassifier(class_weight={0: 3.0}, random_state=0)
        explicit = BackpropClassifier(random_state=0)
        weighted.partial_fit(X, y, classes=[0, 1, 2])
        explicit.partial_fit(X, y, classes=[0, 1, 2], sample_weight=np.where(y == 0, 3.0, 1.0))
        assert_same_weights(weighted, explicit, rtol=1e-12)

    def test_unknown_class(self, iris):
        with pytest.raises(ValueError, match=r"class_weight names classes \[7\]"):
            BackpropClassifier(class_weight={7: 2.0}).fit(*iris)

    def test_balanced_in_partial_fit(self, iris):
        with pytest.raises(ValueError, match="class_weight='balanced' needs the whole"):
            BackpropClassifier(class_weight="balanced").partial_fit(*iris, classes=[0, 1, 2])

    def test_multilabel(self):
        X, Y = make_multilabel_classification(n_samples=50, random_state=0)
        with pytest.raises(ValueError, match="class_weight is not supported for multilabel"):
            BackpropClassifier(class_weight={0: 2.0}).fit(X, Y)


class TestHistory:
    def test_one_row_per_epoch_over_partial_fit_calls(self, iris):
        clf = BackpropClassifier(random_state=0)
        for _ in range(3):
            clf.partial_fit(*iris, classes=[0, 1, 2])
        history = clf.history_
        assert isinstance(history, pd.DataFrame)
        assert list(history.columns) == [
            "epoch",
            "train_loss",
            "validation_loss",
            "validation_score",
            "learning_rate",
            "seconds",
        ]
        assert history["epoch"].tolist() == [1, 2, 3]
        assert history["train_loss"].tolist() == clf.loss_curve_
        assert history["validation_loss"].isna().all()
        assert (history["learning_rate"] == 0.001).all()
        assert (history["seconds"] > 0).all()

    def test_fit_starts_a_new_history(self, iris):
        clf = quiet(BackpropClassifier(max_iter=3).fit, *iris)
        quiet(clf.fit, *iris)
        assert clf.history_["epoch"].tolist() == [1, 2, 3]

    def test_history_survives_joblib(self, iris, tmp_path):
        clf = quiet(BackpropClassifier(max_iter=3).fit, *iris)
        joblib.dump(clf, tmp_path / "m.joblib")
        pd.testing.assert_frame_equal(joblib.load(tmp_path / "m.joblib").history_, clf.history_)

    def test_unfitted(self):
        assert not hasattr(BackpropClassifier(), "history_")


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_verbose_prints_one_line_per_epoch_for_every_solver(iris, capsys, solver):
    X, y = iris
    quiet(
        BackpropClassifier(solver=solver, max_iter=4, verbose=True).fit,
        X,
        y,
        X_val=X[::3],
        y_val=y[::3],
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert all("validation score" in line for line in lines)
