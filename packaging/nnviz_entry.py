"""Entry script of the PyInstaller bundle (see nnviz.spec): the ``nnviz`` command."""

import sys

from nnviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
