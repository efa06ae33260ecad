"""The README's pictures exist as the PNGs it names, small enough to ship, and the image-data
section shows each image view, re-made by docs/screenshots.py at the size its caption states."""

from __future__ import annotations

import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SCRIPT = ROOT / "docs" / "screenshots.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 600_000  # a 1920×1080 window shot is ~300–400 KB
IMAGE_VIEWS = ("digits-window.png", "digits-confusion.png", "digits-mistakes.png", "digits-drawing-pad.png")


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def pictures(text: str) -> list[str]:
    """The paths of the Markdown images ![alt](path) in ``text``, in order."""
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the PNG's IHDR chunk, which follows the signature."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_every_readme_picture_is_a_png_in_docs_small_enough_to_ship():
    paths = pictures(README.read_text(encoding="utf-8"))
    assert paths
    for rel in paths:
        path = ROOT / rel
        assert rel.startswith("docs/") and path.is_file(), rel
        width, height = png_size(path)
        assert width >= 400 and height >= 300, (rel, width, height)
        assert path.stat().st_size <= MAX_PNG_BYTES, (rel, path.stat().st_size)


def test_the_image_data_section_shows_each_image_view_made_by_the_screenshot_script():
    shown = [Path(p).name for p in pictures(section("Handwritten digits and other images"))]
    script = SCRIPT.read_text(encoding="utf-8")
    for name in IMAGE_VIEWS:
        assert name in shown, name
    for name in shown:
        assert f'"{name}"' in script, f"docs/screenshots.py does not make {name}"


def test_the_window_shots_have_the_sizes_the_readme_states():
    assert "1280 × 720" in section("Handwritten digits and other images")
    assert png_size(ROOT / "docs" / "digits-window.png") == (1280, 720)
    assert png_size(ROOT / "docs" / "lesson-reading-digits.png") == (1280, 720)
    assert png_size(ROOT / "docs" / "digits-drawing-pad.png") == (1920, 1080)
