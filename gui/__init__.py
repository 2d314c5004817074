"""Shape Explorer's window: widgets and wiring only.

No numerical work, parsing or Keras calls live here; everything is asked of ``core``.
Importing this package does not import Qt, so ``gui.main`` can serve the headless
sub-commands (``inspect``, ``train``, ``code``) quickly.
"""
