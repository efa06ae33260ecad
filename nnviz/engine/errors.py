"""The one exception type for bad user input (files, names, shapes, numbers)."""


class NnvizError(ValueError):
    """A problem with what the user gave us; its message is one line, fit to show as is."""
