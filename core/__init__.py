"""Shape Explorer's engine: files become (samples, timesteps, features) tensors, explained.

This package never imports Qt. TensorFlow/Keras is imported lazily, only by the modules that
build or train models (``core.model.build``, ``core.training``), so loading, shaping and the
shape report stay fast enough for a command line and a window that opens instantly.
"""

__version__ = "0.1.0"
