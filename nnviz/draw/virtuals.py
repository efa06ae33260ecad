"""Qt virtuals that never raise.

Qt calls ``paintEvent``, ``sizeHint``, ``eventFilter``, ``resizeEvent``, … from C++. An
exception that escapes one of them leaves C++ state half done (a QPainter still active,
a layout half computed); under shiboken that is an error thrown into whatever Qt call
happened to trigger it, or a crash. So every such override in nnviz, and the few
library ones nnviz relies on, goes through ``qt_virtual``: the exception is logged with
its traceback (by the logger of the method's module) and the virtual returns a harmless
answer (``fallback()``, or None).

    class View(QWidget):
        @qt_virtual("the view could not be painted")
        def paintEvent(self, event): ...

        @qt_virtual("size hint", fallback=QSize)
        def sizeHint(self): ...
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

__all__ = ["guard_library_virtual", "qt_virtual"]


def qt_virtual(what: str, fallback: Callable[[], Any] | None = None):
    """Decorate a Qt virtual override: an exception is logged (``what`` says which) and
    ``fallback()`` (or None) is returned instead of letting it reach Qt."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except Exception:  # an exception escaping a Qt virtual ends the process
                logging.getLogger(method.__module__).exception("%s (%s raised)", what, method.__qualname__)
                return None if fallback is None else fallback()

        guarded.qt_virtual = True
        return guarded

    return decorate


def guard_library_virtual(cls: type, name: str, what: str, fallback: Callable[[], Any] | None = None) -> None:
    """Wrap a library class's virtual ``cls.name`` with ``qt_virtual`` once (subclasses that
    do not override it inherit the guard)."""
    method = cls.__dict__[name]
    if getattr(method, "qt_virtual", False):
        return
    setattr(cls, name, qt_virtual(what, fallback)(method))
