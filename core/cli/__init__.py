"""The headless command line: ``shape-explorer inspect|train|code|... FILE``, no window.

One module per sub-command (``*_command.py``: ``NAME``, ``HELP``, ``add_arguments``, ``run``),
registered in :data:`core.cli.app.COMMANDS`. The engine never imports this package; the
command modules import the heavy parts (Keras) only inside ``run``, so ``inspect`` never pays
for TensorFlow. Bad input → one sentence on stderr, exit code 2; a bug → an "internal error"
sentence, exit code 1 (the traceback only with ``--debug``).
"""

from core.cli.app import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, build_parser, main

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_OK", "build_parser", "main"]
