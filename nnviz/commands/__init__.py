"""The headless sub-commands of ``nnviz``, one module each."""
