"""Messages from the engine in the window's words: its command-line flags named as the window's fields.

The engine words hints for the command line (``--id-col``); the window has no flags, so every
place that shows an engine message in the window passes it through :func:`in_window_terms`.
"""

from __future__ import annotations

#: Command-line flags in messages from the reader, and what the same thing is called in this window.
_FIELD_WORDS = (
    ("--id-col", "the Sequence id column"), ("--time-col", "the Order column"), ("--label-col", "the Label column"),
    ("--feature-cols", "the Feature columns"), ("--skip-cols", "the Skip role in the column table"),
    ("--target-cols", "the Targets field"), ("--layout", "the Layout"),
    ("--delimiter", "the Delimiter"), ("--no-header", "the Header choice"), ("--header", "the Header choice"),
    ("--format", "the Format"), ("--task", "the Task"), ("--sheet", "the Sheet"), ("--labels", "a separate labels file"),
    ("--channels-first", "Channels first"), ("--window", "the Window"), ("--horizon", "the Horizon"),
    ("--stride", "the Stride"), ("--encoding", "the file's encoding"),
)


def in_window_terms(message: str) -> str:
    """A reader's message with its command-line flags named as this window's fields."""
    for flag, words in _FIELD_WORDS:
        message = message.replace(f"with {flag}", f"in {words}").replace(flag, words)
    return message
