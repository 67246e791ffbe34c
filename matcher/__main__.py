"""``python -m matcher``: the command line."""

import gc
import sys

from matcher.cli import main

code = main()
# The process ends: what it holds is frozen, so that the interpreter's last collection does not
# walk it (a tenth of a second after ranking 10,000 profiles); the memory goes back at exit.
gc.freeze()
sys.exit(code)
