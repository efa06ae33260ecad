"""The Python versions nnviz supports are stated three times: pyproject.toml's classifiers,
the interpreters .ci/run tests, and the README. They must agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def classifier_versions() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    prefix = "Programming Language :: Python :: "
    return [c.removeprefix(prefix) for c in project["classifiers"] if re.fullmatch(re.escape(prefix) + r"3\.\d+", c)]


def ci_versions() -> list[str]:
    match = re.search(r'^PYTHONS="([^"]+)"', (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.MULTILINE)
    assert match, ".ci/run lists its interpreters in PYTHONS"
    return match.group(1).split()


def test_ci_tests_every_python_the_classifiers_name():
    assert classifier_versions() == ci_versions() == ["3.11", "3.12", "3.13"]


def test_the_readme_names_the_tested_versions():
    versions = ci_versions()
    stated = ", ".join(versions[:-1]) + " or " + versions[-1]
    assert f"Python {stated}" in " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def test_requires_python_admits_the_oldest_tested_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == f">={ci_versions()[0]}"
