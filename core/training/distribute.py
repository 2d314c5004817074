"""Which ``tf.distribute`` strategy a run uses, decided from the environment.

* ``TF_CONFIG`` naming a cluster of more than one task → ``MultiWorkerMirroredStrategy``
  (synchronous data parallelism across machines: every worker runs the same script; the
  dataset is sharded per worker by tf.data's auto-shard policy; the batch size is the global
  one, split across all replicas; only the chief writes checkpoints and the saved model).
* several local GPUs → ``MirroredStrategy``;
* otherwise the default strategy (one device).

The same rules are written into exported scripts (:data:`SCRIPT_SNIPPET`), so a script
exported from the app scales the same way. TensorFlow is imported only in
:func:`create_strategy`; the rest reads the environment.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from core.errors import TrainingError

MULTI_WORKER = "MultiWorkerMirroredStrategy"
MIRRORED = "MirroredStrategy"
DEFAULT = "DefaultStrategy"


def tf_config(environ: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """The parsed ``TF_CONFIG``, or None when it is unset or empty."""
    environ = os.environ if environ is None else environ
    text = (environ.get("TF_CONFIG") or "").strip()
    if not text:
        return None
    try:
        config = json.loads(text)
    except ValueError as error:
        raise TrainingError(f"TF_CONFIG is not valid JSON ({error}); set it to "
                            '{"cluster": {"worker": ["host1:port", ...]}, "task": {"type": "worker", "index": 0}}.') from None
    if not isinstance(config, dict) or not isinstance(config.get("cluster", {}), dict):
        raise TrainingError('TF_CONFIG must be a JSON object with a "cluster" object and a "task" object.')
    return config


def cluster_size(environ: Mapping[str, str] | None = None) -> int:
    """How many tasks (chief + workers) ``TF_CONFIG`` names; 0 without one."""
    config = tf_config(environ)
    if config is None:
        return 0
    cluster = config.get("cluster") or {}
    return sum(len(cluster.get(kind) or []) for kind in ("chief", "worker"))


def strategy_name(environ: Mapping[str, str] | None = None, gpu_count: int = 0) -> str:
    """The strategy the environment calls for (see the module docstring)."""
    if cluster_size(environ) > 1:
        return MULTI_WORKER
    if gpu_count > 1:
        return MIRRORED
    return DEFAULT


def is_chief(environ: Mapping[str, str] | None = None) -> bool:
    """True for the task that writes checkpoints and the saved model.

    That is the ``chief`` task, or worker 0 when the cluster has no chief (TensorFlow's own
    convention), or the only process when there is no cluster.
    """
    config = tf_config(environ)
    if config is None or cluster_size(environ) <= 1:
        return True
    task = config.get("task") or {}
    kind, index = task.get("type"), int(task.get("index", 0) or 0)
    if kind == "chief":
        return True
    has_chief = bool((config.get("cluster") or {}).get("chief"))
    return kind == "worker" and index == 0 and not has_chief


def create_strategy(tf: Any) -> tuple[Any, str]:
    """``(strategy, name)``. Must run before TensorFlow executes anything when a cluster is
    configured: collective ops are set up at program start-up."""
    if cluster_size() > 1:
        config = tf_config() or {}
        if not (config.get("task") or {}).get("type"):
            raise TrainingError('TF_CONFIG names a cluster but no "task": give each process {"type": "worker", "index": i}.')
        return tf.distribute.MultiWorkerMirroredStrategy(), MULTI_WORKER
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy(), MIRRORED
    return tf.distribute.get_strategy(), DEFAULT


def shard_options(tf: Any) -> Any:
    """tf.data options that shard a dataset by element across workers (works for generators)."""
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return options


# Written into exported scripts as is (they do not import the app).
SCRIPT_SNIPPET = '''
def pick_strategy():
    """MultiWorkerMirroredStrategy when TF_CONFIG names a cluster, MirroredStrategy for several
    local GPUs, the default strategy otherwise; and whether this process is the chief."""
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    cluster = config.get("cluster") or {}
    if sum(len(cluster.get(kind) or []) for kind in ("chief", "worker")) > 1:
        task = config.get("task") or {}
        chief = task.get("type") == "chief" or (task.get("type") == "worker" and int(task.get("index", 0)) == 0
                                                and not cluster.get("chief"))
        return tf.distribute.MultiWorkerMirroredStrategy(), chief
    if len(tf.config.list_logical_devices("GPU")) > 1:
        return tf.distribute.MirroredStrategy(), True
    return tf.distribute.get_strategy(), True


def prepare_for_workers(model, strategy, x, y):
    """Keras 3.15 under MultiWorkerMirroredStrategy: build from one local batch and give the logs
    a replica axis, or fit fails on its first step (what the app's runner does too)."""
    with strategy.scope():
        model._symbolic_build(data_batch=(x, y))
    model._distribute_strategy = None

    def with_replica_axis(step):
        return lambda batch: {name: tf.reshape(value, [1]) for name, value in step(batch).items()}

    model.train_step = with_replica_axis(model.train_step)
    model.test_step = with_replica_axis(model.test_step)
'''
