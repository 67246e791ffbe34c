"""``python -m matcher``: the command line."""

import sys

from matcher.cli import main

sys.exit(main())
