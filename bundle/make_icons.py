"""Renders the application icon (resources/desktop/org.saywho.Saywho.svg) to the PNG sizes
desktops look for: resources/desktop/icons/hicolor/<N>x<N>/apps/org.saywho.Saywho.png.

The PNGs are committed (the wheel, the bundle and `saywho --install-desktop-entry` ship them);
run this again after changing the SVG: ``.venv/bin/python bundle/make_icons.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

APP_ID = "org.saywho.Saywho"  # resources.APP_ID (this script runs without the package)
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DESKTOP = Path(__file__).resolve().parent.parent / "resources" / "desktop"


def render(svg: Path, size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):  # PNG, from the suffix
        raise SystemExit(f"{out}: cannot write")


def main() -> int:
    QGuiApplication(sys.argv[:1])
    svg = DESKTOP / f"{APP_ID}.svg"
    for size in SIZES:
        out = DESKTOP / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        render(svg, size, out)
        print(f"wrote {out.relative_to(DESKTOP.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
