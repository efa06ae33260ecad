"""The application icon: the SVG, the PNG sizes rendered from it, and the window using it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

from nnviz.paths import resource

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def pixels(image: QImage) -> np.ndarray:
    """(h, w, 4) uint8 as B, G, R, A (little-endian ARGB32), straight alpha."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    array = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return array.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width()].copy()


def render_script():
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import render_icons
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    return render_icons


def test_the_svg_is_one_qt_renders_square(qapp):
    renderer = QSvgRenderer(str(ICONS / "nnviz.svg"))
    assert renderer.isValid()
    assert renderer.defaultSize() == QSize(256, 256)
    assert resource("icons", "nnviz.svg") == ICONS / "nnviz.svg"


@pytest.mark.parametrize("size", SIZES)
def test_every_png_size_is_there_and_matches_the_svg(qapp, size):
    path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "nnviz.png"
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is missing or unreadable: run packaging/render_icons.py"
    assert (image.width(), image.height()) == (size, size)
    committed = pixels(image).astype(int)
    # transparent corners (a rounded square), an opaque middle
    assert committed[0, 0, 3] == 0 and committed[-1, -1, 3] == 0
    assert committed[size // 2, size // 2, 3] == 255
    # the committed PNG is what the SVG renders to now (up to a little anti-aliasing noise
    # between Qt versions): if this fails, run packaging/render_icons.py after editing the SVG
    fresh = pixels(render_script().render(QSvgRenderer(str(ICONS / "nnviz.svg")), size)).astype(int)
    assert np.abs(fresh - committed).mean() < 2.0


def test_the_icon_draws_blue_and_orange_edges_and_light_nodes(qapp):
    bgra = pixels(QImage(str(ICONS / "hicolor" / "256x256" / "apps" / "nnviz.png"))).astype(int)
    b, g, r, a = (bgra[..., i] for i in range(4))
    opaque = a == 255
    blue = opaque & (b > 180) & (r < 120)
    orange = opaque & (r > 200) & (g > 120) & (b < 100)
    light = opaque & (r > 220) & (g > 220) & (b > 220)
    for name, mask in (("blue", blue), ("orange", orange), ("light", light)):
        assert mask.mean() > 0.02, f"too little {name} in the icon"


def test_render_script_writes_every_size(qapp, tmp_path):
    assert render_script().main(["--out", str(tmp_path), "--sizes", "16,48"]) == 0
    for size in (16, 48):
        image = QImage(str(tmp_path / f"{size}x{size}" / "apps" / "nnviz.png"))
        assert (image.width(), image.height()) == (size, size)


def test_the_window_icon_and_desktop_file_name_are_set(tmp_path):
    """run_app in a fresh process (offscreen), its event loop replaced by a look at the app."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "def look():\n"
        "    app = QApplication.instance()\n"
        "    icon = app.windowIcon()\n"
        "    image = icon.pixmap(64, 64).toImage()\n"
        "    print(app.applicationName(), app.desktopFileName(), icon.isNull(), image.isNull(),\n"
        "          image.pixelColor(32, 32).alpha(), image.pixelColor(0, 0).alpha())\n"
        "    for window in app.topLevelWidgets():\n"
        "        window.close()\n"
        "    return 0\n"
        "QApplication.exec = staticmethod(look)\n"
        "from nnviz.ui.app import run_app\n"
        "sys.exit(run_app())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNVIZ_SETTINGS=str(tmp_path / "settings.ini"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    name, desktop, icon_null, image_null, middle_alpha, corner_alpha = done.stdout.split()
    from nnviz.ui.app import DESKTOP_ID

    assert (name, desktop) == ("nnviz", DESKTOP_ID)
    assert (icon_null, image_null) == ("False", "False")
    assert (middle_alpha, corner_alpha) == ("255", "0")
