#!/usr/bin/env python3
"""Render resources/icons/nnviz.svg into the PNG sizes of the hicolor icon theme.

    python packaging/render_icons.py            # writes resources/icons/hicolor/<N>x<N>/apps/nnviz.png
    python packaging/render_icons.py --out DIR  # the same tree below DIR
    python packaging/render_icons.py --preview strip.png  # all sizes side by side, for a look

Rendering uses Qt's own SVG renderer (QtSvg of PySide6), the one the app uses for its
window icon, so the PNGs look like the window icon. It runs headless (offscreen platform).
Commit the PNGs; run this again after every change to the SVG.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "nnviz.svg"
OUT = ROOT / "resources" / "icons" / "hicolor"
SIZES = (16, 32, 48, 64, 128, 256, 512)
NAME = "nnviz"


def render(renderer, size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG, help=f"the source SVG (default {SVG.relative_to(ROOT)})")
    parser.add_argument("--out", type=Path, default=OUT, help="the hicolor folder to write into")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated sizes in pixels")
    parser.add_argument("--preview", type=Path, help="also write one PNG with every size side by side, and 8x zooms of 16 and 32 px")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter wants one
    renderer = QSvgRenderer(str(args.svg))
    if not renderer.isValid():
        print(f"render_icons: {args.svg} is not a valid SVG for Qt", file=sys.stderr)
        return 1
    sizes = [int(s) for s in args.sizes.split(",") if s]
    images = {}
    for size in sizes:
        image = render(renderer, size)
        target = args.out / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            print(f"render_icons: could not write {target}", file=sys.stderr)
            return 1
        images[size] = image
        print(target)

    if args.preview:
        zooms = [images[s].scaled(s * 8, s * 8, Qt.AspectRatioMode.IgnoreAspectRatio,
                                  Qt.TransformationMode.FastTransformation) for s in (16, 32) if s in images]
        shown = [images[s] for s in sizes if s <= 256] + zooms
        gap = 16
        width = sum(i.width() for i in shown) + gap * (len(shown) + 1)
        height = max(i.height() for i in shown) + 2 * gap
        strip = QImage(width, height, QImage.Format.Format_ARGB32)
        strip.fill(QColor("#c8ccd2"))
        painter = QPainter(strip)
        x = gap
        for image in shown:
            painter.drawImage(x, gap, image)
            x += image.width() + gap
        painter.end()
        strip.save(str(args.preview), "PNG")
        print(args.preview)
    return 0


if __name__ == "__main__":
    sys.exit(main())
