"""``python -m nnviz`` is the ``nnviz`` command."""

from nnviz.cli import main

raise SystemExit(main())
