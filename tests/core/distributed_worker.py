"""One worker of the two-worker test (tests/core/test_distributed_training.py).

Run as ``python tests/core/distributed_worker.py FILE`` with ``TF_CONFIG`` set: trains the app's
model through :func:`core.training.runner.run` (which picks the strategy from the environment)
and prints one JSON line with the strategy, the replica count, the loss history and a digest
of the final weights.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import replace

import numpy as np


def main(path: str) -> int:
    from core.model.defaults import default_spec
    from core.options import LoadOptions, PaddingOptions
    from core.training import runner
    from core.training.config import TrainingConfig
    from core.training.job import shape_file

    shaped = shape_file(path, LoadOptions(), PaddingOptions(), None, 1 << 30)
    spec = default_spec(shaped)
    spec = replace(spec, layers=tuple(replace(layer, units=4) for layer in spec.layers[:1]))
    config = TrainingConfig(epochs=2, batch_size=32, seed=0, validation_split=0.0)
    result = runner.run(spec, shaped, config)
    digest = hashlib.sha256()
    for weights in result.model.get_weights():
        digest.update(np.ascontiguousarray(weights, dtype=np.float32).tobytes())
    print(json.dumps({"strategy": result.strategy, "replicas": result.replicas, "loss": result.history.get("loss"),
                      "weights": digest.hexdigest()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
