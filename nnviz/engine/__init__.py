"""The NumPy engine: networks, training, data and files. No Qt here (an import-linter contract checks it)."""
