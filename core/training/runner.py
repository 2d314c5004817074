"""Train a model described by a spec on shaped data: the one training routine.

:func:`run` is a plain function with no Qt and no threads of its own. The command line
calls it directly; the training child process calls it with a reporter that sends events
over a pipe; tests call it with a :class:`~core.training.reporter.RecordingReporter`.

What it guarantees:

* **Checked first**: :func:`core.training.checks.preflight` refuses impossible input in plain
  words before TensorFlow does anything.
* **Reproducible**: ``keras.utils.set_random_seed(seed)`` plus TensorFlow op determinism, so
  the same seed gives the same loss history on the CPU.
* **Stoppable and pausable** within a batch (the reporter is asked before every batch).
* **NaN-safe**: a NaN or infinite loss stops training and leaves the last good weights.
* **Memory-safe**: a ``MemoryError`` (or TensorFlow running out of memory) becomes a
  :class:`TrainingError`; nothing is left half-built, so the next run works.
* Goes through a ``tf.distribute`` strategy chosen from the environment
  (:mod:`core.training.distribute`): ``MultiWorkerMirroredStrategy`` when ``TF_CONFIG`` names
  a cluster, ``MirroredStrategy`` for several local GPUs, the default one otherwise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.errors import TrainingError
from core.shaping.standardize import Standardizer
from core.tensor_data import TensorData
from core.training.callback import RunState, make_callbacks
from core.training.checks import preflight
from core.training.config import TrainingConfig
from core.training.data import (
    FitData,
    _training_targets,
    class_names,
    is_classification,
    prepare_fit_data,
    prepare_inputs,
)
from core.training.reporter import NullReporter, Reporter
from core.training.sizing import resolve_for

REGRESSION_SAMPLE_LIMIT = 500


@dataclass
class TrainingResult:
    """What a run produced.

    ``history`` maps each Keras log name (``loss``, ``val_loss``, ``accuracy``...) to one
    float per epoch. ``best_epoch`` (1-based) is the epoch with the lowest validation loss
    (training loss without validation); with early stopping the returned ``model`` holds that
    epoch's weights, otherwise the last good epoch's.
    """

    history: dict[str, list[float]]
    best_epoch: int | None
    stopped_early: bool
    stop_reason: str
    model: Any
    standardizer: Standardizer | None
    epochs_run: int
    test_metrics: dict[str, float] | None = None
    message: str = ""
    seconds: float = 0.0
    n_train: int = 0
    n_val: int = 0
    fit_data: FitData | None = field(default=None, repr=False)
    strategy: str = "DefaultStrategy"  # the tf.distribute strategy that ran (core.training.distribute)
    replicas: int = 1
    settings: dict[str, Any] = field(default_factory=dict)  # the concrete settings the run used
    chosen: dict[str, str] = field(default_factory=dict)  # settings chosen from the data's size, and why

    @property
    def samples_per_second(self) -> float:
        return self.n_train * self.epochs_run / self.seconds if self.seconds > 0 else 0.0

    def final_metrics(self) -> dict[str, float]:
        """The logs of the best epoch (the weights the model holds, with early stopping)."""
        if not self.history:
            return {}
        index = (self.best_epoch or len(next(iter(self.history.values())))) - 1
        return {k: v[index] for k, v in self.history.items() if 0 <= index < len(v)}

    def summary(self) -> dict[str, Any]:
        """JSON-ready description (no arrays, no model)."""
        return {
            "history": self.history,
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
            "stop_reason": self.stop_reason,
            "epochs_run": self.epochs_run,
            "final": self.final_metrics(),
            "test": self.test_metrics,
            "message": self.message,
            "seconds": self.seconds,
            "n_train": self.n_train,
            "n_val": self.n_val,
            "strategy": self.strategy,
            "replicas": self.replicas,
            "settings": dict(self.settings),
            "chosen": dict(self.chosen),
        }


def import_tensorflow() -> tuple[Any, Any]:
    """``(tensorflow, keras)``, imported quietly (no C++ start-up chatter)."""
    from core.model.quiet import quiet_tensorflow_import

    return quiet_tensorflow_import()


def seed_everything(seed: int) -> None:
    """Same seed, same initial weights, same shuffles, same losses (on the CPU)."""
    tf, keras = import_tensorflow()
    keras.utils.set_random_seed(int(seed))
    try:
        tf.config.experimental.enable_op_determinism()
    except (AttributeError, RuntimeError):  # older TF, or already enabled in a way TF rejects
        pass


def choose_strategy() -> Any:
    """The strategy the environment calls for (:mod:`core.training.distribute`): several
    workers named by ``TF_CONFIG``, several local GPUs, or the default one."""
    tf, _ = import_tensorflow()
    from core.training.distribute import create_strategy

    return create_strategy(tf)[0]


def run(
    spec: Any,
    shaped: TensorData,
    config: TrainingConfig | None = None,
    reporter: Reporter | None = None,
    *,
    validation: TensorData | None = None,
    budget_bytes: int | None = None,
) -> TrainingResult:
    """Fit ``build_model(spec)`` on ``shaped`` (a ShapedData or :class:`~core.training.data.ArrayData`).

    ``validation`` (shaped the same way) replaces the validation split. Raises
    :class:`TrainingError` (plain words) when training cannot start or runs out of memory.
    """
    config = config or TrainingConfig()
    reporter = reporter or NullReporter()
    config, chosen = resolve_for(config.validate(), shaped, validation)
    assert config.batch_size is not None and config.patience is not None  # resolve_for made them concrete
    preflight(spec, shaped, config, validation=validation, budget_bytes=budget_bytes)
    tf, _ = import_tensorflow()
    from core.model.build import build_model, compile_model
    from core.training.distribute import create_strategy, shard_options

    strategy, strategy_name = create_strategy(tf)  # first: a multi-worker cluster is set up before any op runs
    seed_everything(config.seed)
    try:
        data = prepare_fit_data(spec, shaped, config, validation=validation, budget_bytes=budget_bytes)
        if data.streaming and strategy.num_replicas_in_sync > 1:  # shard the stream per worker, by element
            data.x_train = data.x_train.with_options(shard_options(tf))
            if data.x_val is not None:
                data.x_val = data.x_val.with_options(shard_options(tf))
        with strategy.scope():
            model = build_model(spec, data.target_scaling, data.scaling, pretrained_embedding_weights(spec, shaped))
            compile_model(model, spec, config.learning_rate, config.optimizer)
    except MemoryError as exc:
        raise _out_of_memory() from exc

    from core.training.baseline import run_baseline

    baseline = run_baseline(shaped, data, validation)  # before training: the curves can show it live
    state = RunState()
    callbacks, early = training_callbacks(reporter, state, data, config)
    monitor = early_stopping_monitor(data)

    reporter.on_train_begin(
        {
            "epochs": int(config.epochs),
            "batch_size": int(config.batch_size),
            "steps_per_epoch": data.steps_per_epoch,
            "train_samples": data.n_train,
            "validation_samples": data.n_val,
            "streaming": data.streaming,
            "monitor": monitor,
            "params": int(model.count_params()),
            "learning_rate": float(config.learning_rate),
            "patience": int(config.patience) if config.early_stopping else None,
            "chosen": dict(chosen),
            "baseline": baseline,
        }
    )
    started = time.perf_counter()
    try:
        if strategy_name == "MultiWorkerMirroredStrategy":
            _build_for_workers(model, data, strategy)
            with strategy.scope():
                fit_model(model, data, config, callbacks)
        else:
            fit_model(model, data, config, callbacks)
    except MemoryError as exc:
        raise _out_of_memory() from exc
    except tf.errors.ResourceExhaustedError as exc:
        raise _out_of_memory() from exc
    seconds = time.perf_counter() - started

    history = {k: list(v) for k, v in state.history.items()}
    epochs_run = state.epochs_seen
    best_epoch = _best_epoch(history, monitor)
    if state.nan_loss:
        reason = "nan_loss"
        message = (
            f"The loss became NaN (not a number) in epoch {state.nan_epoch or epochs_run}, so training stopped and kept "
            "the last good weights: try a lower learning rate or standardised inputs."
        )
        best_epoch = _best_epoch({k: v[: max(0, (state.nan_epoch or 1) - 1)] for k, v in history.items()}, monitor)
    elif state.user_stopped:
        reason, message = "user", f"Stopped on request after {epochs_run} of {int(config.epochs)} epochs."
        if state.cut_epoch is not None and epochs_run:
            kept = f"the best epoch's ({best_epoch})" if early is not None and best_epoch else f"epoch {epochs_run}'s"
            message += f" The epoch in progress was dropped; the model keeps {kept} weights."
    elif early is not None and early.stopped_epoch > 0:
        reason = "early_stopping"
        message = (
            f"Stopped early after epoch {epochs_run}: {monitor} had not improved for {config.patience} epochs; "
            f"kept the weights of epoch {best_epoch}."
        )
    else:
        reason, message = "completed", f"Trained for {epochs_run} epoch{'s' if epochs_run != 1 else ''}."
    result = TrainingResult(
        history=history,
        best_epoch=best_epoch,
        stopped_early=reason != "completed",
        stop_reason=reason,
        model=model,
        standardizer=data.scaling,
        epochs_run=epochs_run,
        message=message,
        seconds=seconds,
        n_train=data.n_train,
        n_val=data.n_val,
        fit_data=data,
        strategy=strategy_name,
        replicas=int(strategy.num_replicas_in_sync),
        settings={"epochs": int(config.epochs), "batch_size": int(config.batch_size), "learning_rate": float(config.learning_rate),
                  "validation_split": float(config.validation_split), "early_stopping": bool(config.early_stopping),
                  "patience": int(config.patience)},
        chosen=dict(chosen),
    )
    reporter.on_train_end(result.summary())
    return result


def pretrained_embedding_weights(spec: Any, shaped: TensorData) -> np.ndarray | None:
    """The ``(vocabulary, dim)`` word vectors the spec's Embedding starts from, or None.

    They come with the data (``dataset.embeddings``, read for its vocabulary by the loader), so a
    job shaped in the training child process reads the same vectors file as the window did.
    """
    inp = spec.input
    vectors = shaped.embeddings
    if inp.kind != "embedding" or not inp.pretrained_embeddings:
        return None
    if vectors is None:
        raise TrainingError(
            f"The model starts from the vectors in {inp.pretrained_embeddings}, but the data was read without them: "
            "choose the vectors file (--embeddings) or let the Embedding start from random weights."
        )
    return vectors.matrix


def early_stopping_monitor(data: FitData) -> str:
    return "val_loss" if data.n_val else "loss"


def training_callbacks(reporter: Reporter, state: RunState, data: FitData, config: TrainingConfig) -> tuple[list[Any], Any]:
    """Every callback a run attaches to ``fit`` (reporter, NaN guard, early stopping), and the early stopper.

    Separate so the throughput benchmark measures exactly this stack against a plain ``fit``.
    """
    _, keras = import_tensorflow()
    callbacks = make_callbacks(reporter, state, total_batches=data.steps_per_epoch)
    # Keras is imported lazily, so its classes are values here: the bases below are typed locals,
    # as mypy cannot resolve a base class written ``keras.callbacks.X`` on a local variable.
    if validates_in_callback(data):
        callback_base: Any = keras.callbacks.Callback
        x_val, y_val = data.x_val, data.y_val

        class ValidateInOneBatch(callback_base):
            """``val_*`` logs from one ``test_on_batch`` over the whole (small) validation set.

            Keras' own validation builds a ``tf.data`` iterator and an evaluation loop every
            epoch: 0.1-0.2 s here, more than the epoch itself on a few dozen short samples.
            One batch gives the same mean loss and metrics. First in the list, so every other
            callback sees the ``val_*`` numbers.
            """

            def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
                if logs is None or state.is_cut(epoch):
                    return
                scores = self.model.test_on_batch(x_val, y_val, return_dict=True)
                logs.update({f"val_{k}": float(v) for k, v in scores.items()})

        callbacks.insert(0, ValidateInOneBatch())
    early = None
    if config.early_stopping:
        early_stopping_base: Any = keras.callbacks.EarlyStopping

        class CompleteEpochsEarlyStopping(early_stopping_base):
            """Early stopping that ignores an epoch a stop request cut short."""

            def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
                if not state.is_cut(epoch):
                    super().on_epoch_end(epoch, logs)

        assert config.patience is not None  # run() resolved it
        early = CompleteEpochsEarlyStopping(
            monitor=early_stopping_monitor(data), patience=int(config.patience), restore_best_weights=True
        )
        callbacks.append(early)
    return callbacks, early


SMALL_VALIDATION_SAMPLES = 2048
SMALL_VALIDATION_BYTES = 32 * 1024 * 1024


def validates_in_callback(data: FitData) -> bool:
    """True when the validation set is small enough to score in one batch after each epoch."""
    if data.streaming or not data.n_val or data.x_val is None:
        return False
    return data.n_val <= SMALL_VALIDATION_SAMPLES and int(np.asarray(data.x_val).nbytes) <= SMALL_VALIDATION_BYTES


def fit_model(model: Any, data: FitData, config: TrainingConfig, callbacks: list[Any]) -> Any:
    """The ``model.fit`` call (separate so tests can make it fail)."""
    validation = None
    if data.n_val and not validates_in_callback(data):
        validation = data.x_val if data.streaming else (data.x_val, data.y_val)
    kwargs: dict[str, Any] = dict(
        epochs=int(config.epochs),
        validation_data=validation,
        callbacks=callbacks,
        verbose=0,
    )
    if data.streaming:
        return model.fit(data.x_train, shuffle=False, **kwargs)  # the stream shuffles itself
    assert config.batch_size is not None  # run() resolved it
    return model.fit(data.x_train, data.y_train, batch_size=int(config.batch_size), shuffle=bool(config.shuffle), **kwargs)


def _build_for_workers(model: Any, data: FitData, strategy: Any) -> None:
    """Build the model's metrics and loss from one local batch before a multi-worker fit.

    Keras 3.15 builds a model symbolically from the first batch reduced across replicas
    (``strategy.reduce`` of the ``(x, y)`` pair), and ``MultiWorkerMirroredStrategy`` cannot
    reduce a nested value (TensorFlow's own "support value being a nest" TODO), so ``fit``
    would fail on its first step. Built here under the strategy's scope instead, the model
    then takes the strategy from the scope ``fit`` runs in, and Keras skips that reduce.
    """
    if data.streaming:
        x, y = next(iter(data.x_train.take(1)))
    else:
        x, y = data.x_train[:1], data.y_train[:1]
    with strategy.scope():
        model._symbolic_build(data_batch=(x, y))
    model._distribute_strategy = None
    # Keras then averages each step's logs with strategy.reduce("MEAN", axis=0), which fails on
    # scalars under this strategy: the logs are given that axis (one value per replica), so the
    # reduce averages them over every worker's replicas.
    tf, _ = import_tensorflow()

    def with_replica_axis(step):
        def wrapped(batch):
            return {name: tf.reshape(value, [1]) for name, value in step(batch).items()}
        return wrapped

    model.train_step = with_replica_axis(model.train_step)
    model.test_step = with_replica_axis(model.test_step)


def _best_epoch(history: dict[str, list[float]], monitor: str) -> int | None:
    values = history.get(monitor) or history.get("loss")
    if not values:
        return None
    array = np.asarray(values, dtype=np.float64)
    if not np.isfinite(array).any():
        return None
    return int(np.nanargmin(np.where(np.isfinite(array), array, np.nan))) + 1


def _out_of_memory() -> TrainingError:
    return TrainingError(
        "Training ran out of memory: use a smaller batch size, fewer units or a shorter maxlen, "
        "or close other programs and try again."
    )


# ---- using a trained model -----------------------------------------------------------------
def evaluate(result: TrainingResult, shaped: TensorData, batch_size: int = 256) -> dict[str, float]:
    """Loss and metrics of the trained model on other data shaped like the training data."""
    x = prepare_inputs(shaped)  # raw: the model standardises its own input
    y = _training_targets(shaped)
    logs = result.model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    return {str(k): float(v) for k, v in logs.items()}


def predict(result: TrainingResult, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    return np.asarray(result.model.predict(x, batch_size=batch_size, verbose=0))


def validation_arrays(result: TrainingResult) -> tuple[np.ndarray, np.ndarray] | None:
    """The validation inputs and targets the run used (in-memory runs only)."""
    data = result.fit_data
    if data is None or data.streaming or not data.n_val:
        return None
    return data.x_val, data.y_val


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts ``[true, predicted]`` (one ``bincount``)."""
    flat = np.asarray(y_true, dtype=np.int64).ravel() * n_classes + np.asarray(y_pred, dtype=np.int64).ravel()
    return np.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def predicted_classes(spec: Any, probabilities: np.ndarray) -> np.ndarray:
    if spec.head.task == "binary":
        return (probabilities.reshape(-1) >= 0.5).astype(np.int64)
    return np.argmax(probabilities, axis=-1)


def validation_report(result: TrainingResult, spec: Any, shaped: TensorData) -> dict[str, Any]:
    """Small JSON-ready things about the validation set for plots.

    Classification: ``confusion_matrix`` (list of lists, rows = true class) and
    ``class_names``; regression: ``predictions`` — up to 500 ``[prediction, truth]`` pairs of
    the first target.
    """
    arrays = validation_arrays(result)
    if arrays is None:
        return {}
    x_val, y_val = arrays
    if spec.head.task == "sequence":
        return {}
    probabilities = predict(result, x_val)
    if is_classification(shaped):
        n = 2 if spec.head.task == "binary" else int(spec.head.n_outputs)
        matrix = confusion_matrix(np.asarray(y_val), predicted_classes(spec, probabilities), n)
        names = class_names(shaped) or tuple(str(i) for i in range(n))
        return {"confusion_matrix": matrix.tolist(), "class_names": list(names)}
    truth = np.asarray(y_val, dtype=np.float64).reshape(len(y_val), -1)[:, 0]
    guess = probabilities.reshape(len(probabilities), -1)[:, 0].astype(np.float64)
    count = min(REGRESSION_SAMPLE_LIMIT, truth.size)
    pick = np.linspace(0, truth.size - 1, count).astype(np.int64) if count else np.empty(0, dtype=np.int64)
    pairs = np.stack([guess[pick], truth[pick]], axis=1)
    finite = np.isfinite(pairs).all(axis=1)
    return {"predictions": pairs[finite].tolist()}


