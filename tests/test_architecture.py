"""The Qt-free core is enforced by a tool: import-linter's contract in pyproject.toml; no
exception escapes a Qt virtual, checked on the source."""

import ast
import re
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


QT_VIRTUAL = re.compile(r"^(paint|sizeHint|minimumSizeHint|boundingRect|eventFilter|event|[a-z]\w*Event)$")


def guarded(method: ast.FunctionDef) -> bool:
    """Decorated with ``qt_virtual``, or its body catches Exception itself."""
    if any("qt_virtual" in ast.unparse(d) for d in method.decorator_list):
        return True
    return any(isinstance(s, ast.Try) and any(h.type is not None and ast.unparse(h.type) == "Exception"
                                               for h in s.handlers) for s in method.body)


def test_no_exception_can_escape_a_qt_virtual():
    """Every override of a Qt virtual (paintEvent, sizeHint, eventFilter, …) in a class
    derived from a Qt or pyqtgraph class is guarded: an exception escaping one is a crash."""
    unguarded = []
    for path in sorted((ROOT / "nnviz").rglob("*.py")):
        for cls in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(cls, ast.ClassDef) or not cls.bases:
                continue
            unguarded += [f"{path.relative_to(ROOT)}: {cls.name}.{m.name}" for m in cls.body
                          if isinstance(m, ast.FunctionDef) and QT_VIRTUAL.match(m.name) and not guarded(m)]
    assert not unguarded, "\n".join(unguarded)
