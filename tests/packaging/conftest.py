"""Packaging tests: the icon, the desktop entry and AppStream file, and (slow) the bundle.

The tests marked ``slow`` here (building the PyInstaller bundle) are left out of a plain
``python -m pytest``: they run when a marker expression is given, e.g.
``python -m pytest -m slow tests/packaging``.
"""

from __future__ import annotations

from pathlib import Path


def pytest_collection_modifyitems(config, items):
    if config.getoption("markexpr"):
        return  # -m given: it decides
    here = Path(__file__).resolve().parent
    slow = [item for item in items
            if item.get_closest_marker("slow") and here in Path(str(item.path)).resolve().parents]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item not in slow]
