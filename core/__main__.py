"""``python -m core inspect FILE``: the headless command line without the GUI entry point."""

import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main())
