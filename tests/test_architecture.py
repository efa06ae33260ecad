"""The Qt-free core is enforced by a tool: import-linter's contract in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_engine_imports_no_qt():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout and "BROKEN" not in result.stdout


def test_engine_runs_with_qt_modules_blocked():
    """Importing and using the whole engine works when Qt cannot be imported at all."""
    code = (
        "import sys\n"
        "for name in ('PySide6', 'pyqtgraph', 'superqt'): sys.modules[name] = None\n"
        "import nnviz.engine.trainer, nnviz.engine.datasets, nnviz.engine.model_io, nnviz.engine.gradcheck\n"
        "import nnviz.commands.train, nnviz.commands.trace\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
