"""``python -m saywho``: the same as the ``saywho`` command."""

import sys

from main import main

if __name__ == "__main__":
    sys.exit(main())
