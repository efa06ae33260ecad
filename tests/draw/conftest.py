"""The drawing tests share the UI tests' per-test settings file and leak checks."""

from qtfixtures import no_leaks, settings_path  # noqa: F401 - autouse fixtures for this folder
