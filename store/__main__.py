import os
import sys

from store.cli import main

code = main()
try:
    sys.stdout.flush()
except BrokenPipeError:  # e.g. `python -m store history | head`
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
sys.exit(code)
