"""Colours: light and dark palettes, label tints that keep text readable.

Label colours come from the schema (``LabelDef.color``) and are saturated
("#F28E2B"); painted as they are behind text they would hurt legibility. The
text view paints a *tint* instead: the colour mixed into the page background
(light in the light theme, dark in the dark theme) and keeps the full colour
for thin marks (underlines, outlines, margin markers). :func:`tint` guarantees
a WCAG contrast of at least 7:1 between the theme's text colour and the tint.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

import resources

__all__ = [
    "DARK",
    "ICONS",
    "LIGHT",
    "ThemeColors",
    "apply_mode",
    "apply_theme",
    "contrast_ratio",
    "current_theme",
    "is_dark",
    "mark_color",
    "readable_text_color",
    "relative_luminance",
    "style_sheet",
    "system_is_dark",
    "tint",
]

ICONS = resources.path("icons")
"""The line icons (SVG in ``currentColor``), drawn in the palette's text colour."""


@dataclass(frozen=True)
class ThemeColors:
    """The colours of one theme, as ``#rrggbb`` strings."""

    name: str
    dark: bool
    base: str  # page (text view) background
    text: str
    window: str  # window and panel background
    window_text: str
    muted: str  # secondary text: hints, ids, counts
    margin: str  # the text view's left margin
    relation: str  # relation connectors
    highlight: str  # text selection background
    highlight_text: str
    button: str
    link: str


LIGHT = ThemeColors(
    name="light", dark=False, base="#fdfcf9", text="#1d1d1f", window="#f1f0ec",
    window_text="#1d1d1f", muted="#6b6b70", margin="#f4f2ed", relation="#4a4a55",
    highlight="#b3d4fc", highlight_text="#1d1d1f", button="#e9e7e2", link="#1f5fbf",
)

DARK = ThemeColors(
    name="dark", dark=True, base="#1f2023", text="#e6e4df", window="#2a2b2f",
    window_text="#e6e4df", muted="#9a9aa2", margin="#26272b", relation="#c8c8d0",
    highlight="#35567f", highlight_text="#f4f4f4", button="#34353a", link="#8ab4f8",
)


def _rgb(color: QColor | str) -> tuple[float, float, float]:
    qcolor = QColor(color)
    return qcolor.redF(), qcolor.greenF(), qcolor.blueF()


def relative_luminance(color: QColor | str) -> float:
    """WCAG 2 relative luminance, 0 (black) .. 1 (white)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in _rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: QColor | str, second: QColor | str) -> float:
    """WCAG 2 contrast ratio between two colours, 1 .. 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_color(background: QColor | str) -> QColor:
    """Near-black or near-white, whichever reads better on ``background``."""
    black, white = QColor("#1d1d1f"), QColor("#f4f4f4")
    if contrast_ratio(background, black) >= contrast_ratio(background, white):
        return black
    return white


def _mix(color: QColor | str, background: QColor | str, amount: float) -> QColor:
    red, green, blue = _rgb(color)
    base_red, base_green, base_blue = _rgb(background)
    return QColor.fromRgbF(
        base_red + (red - base_red) * amount,
        base_green + (green - base_green) * amount,
        base_blue + (blue - base_blue) * amount,
    )


def tint(color: QColor | str, dark: bool, strength: float = 1.0,
         base: QColor | str | None = None, text: QColor | str | None = None) -> QColor:
    """A background tint of a label colour that keeps the theme's text readable.

    Args:
        color: The label colour (any form QColor accepts).
        dark: True for the dark theme (a dark tint under light text).
        strength: 1.0 for the normal tint; larger for emphasis (hover), capped so
            the text contrast never drops below 7:1.
        base: The page colour to mix into (the theme's by default).
        text: The text colour that must stay readable (the theme's by default).
    """
    theme = DARK if dark else LIGHT
    page = base if base is not None else theme.base
    ink = text if text is not None else theme.text
    amount = min(0.9, (0.38 if dark else 0.30) * strength)
    mixed = _mix(color, page, amount)
    while amount > 0.05 and contrast_ratio(mixed, ink) < 7.0:
        amount -= 0.04
        mixed = _mix(color, page, amount)
    return mixed


def mark_color(color: QColor | str, dark: bool) -> QColor:
    """The colour for thin marks (underlines, outlines): visible on the page.

    Light colours are darkened on the light page and dark ones lightened on the
    dark page until they reach a 3:1 contrast (WCAG for graphics).
    """
    theme = DARK if dark else LIGHT
    qcolor = QColor(color)
    for _ in range(12):
        if contrast_ratio(qcolor, theme.base) >= 3.0:
            break
        qcolor = qcolor.lighter(112) if dark else qcolor.darker(112)
    return qcolor


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether a palette (the application's by default) is a dark one."""
    if palette is None:
        palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def current_theme(palette: QPalette | None = None) -> ThemeColors:
    """LIGHT or DARK, matching the palette in use."""
    return DARK if is_dark(palette) else LIGHT


def make_palette(theme: ThemeColors) -> QPalette:
    """A QPalette carrying the theme's colours (disabled text dimmed)."""
    palette = QPalette()
    role = QPalette.ColorRole
    for name, value in (
        (role.Window, theme.window), (role.WindowText, theme.window_text),
        (role.Base, theme.base), (role.AlternateBase, theme.margin), (role.Text, theme.text),
        (role.Button, theme.button), (role.ButtonText, theme.window_text),
        (role.Highlight, theme.highlight), (role.HighlightedText, theme.highlight_text),
        (role.ToolTipBase, theme.window), (role.ToolTipText, theme.window_text),
        (role.Link, theme.link), (role.PlaceholderText, theme.muted),
        (role.BrightText, "#ff5555"),
    ):
        palette.setColor(name, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for name in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(disabled, name, QColor(theme.muted))
    return palette


def apply_theme(app: QGuiApplication, dark: bool) -> ThemeColors:
    """Gives the application the light or dark palette; returns the theme used."""
    theme = DARK if dark else LIGHT
    app.setPalette(make_palette(theme))
    return theme


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark scheme (Qt 6.5+ colorScheme)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is None:
        return False
    return bool(scheme() == Qt.ColorScheme.Dark)


def apply_mode(app: QApplication, mode: str) -> bool:
    """Applies "system", "light" or "dark"; returns True when the result is dark."""
    dark = system_is_dark() if mode == "system" else mode == "dark"
    colors = apply_theme(app, dark)
    app.setStyleSheet(style_sheet(colors))
    return dark


def style_sheet(colors: object) -> str:
    """The few rules the palette cannot express: section titles, hints, spacing."""
    muted = getattr(colors, "muted", "#6b6b70")
    window = getattr(colors, "window", "#f1f0ec")
    base = getattr(colors, "base", "#fdfcf9")
    button = getattr(colors, "button", "#e9e7e2")
    text = getattr(colors, "window_text", "#1d1d1f")
    highlight = getattr(colors, "highlight", "#b3d4fc")
    border = getattr(colors, "margin", "#e4e2dc")
    dark = bool(getattr(colors, "dark", False))
    line = "#3a3b40" if dark else "#dddad3"
    accent = getattr(colors, "link", "#1f5fbf")
    return f"""
QMainWindow, QDockWidget {{ background: {window}; }}
QMainWindow::separator {{ background: {line}; width: 1px; height: 1px; }}
QDockWidget::title {{ padding: 6px 10px; background: {window}; color: {muted};
    font-weight: 600; }}
QToolBar {{ background: {window}; border: none; border-bottom: 1px solid {line};
    spacing: 4px; padding: 3px 6px; }}
QToolButton {{ padding: 4px; border-radius: 5px; }}
QToolButton:hover {{ background: {button}; }}
QStatusBar {{ background: {window}; color: {muted}; border-top: 1px solid {line}; }}
QStatusBar QLabel {{ color: {muted}; padding: 0 8px; }}
QLabel#sectionTitle {{ color: {muted}; font-size: 11px; font-weight: 700;
    letter-spacing: 1px; margin-top: 6px; }}
QLabel#hint {{ color: {muted}; }}
QLabel#spanText {{ color: {text}; font-style: italic; }}
QLabel#errorText {{ color: #d64545; }}
QLabel#documentTitle {{ font-size: 17px; font-weight: 600; color: {text};
    padding: 10px 16px 2px 16px; }}
QLabel#documentMeta {{ color: {muted}; padding: 0 16px 8px 16px; }}
QWidget#articleHeader {{ background: {base}; border-bottom: 1px solid {line}; }}
QTableView {{ background: {base}; border: 1px solid {line}; border-radius: 6px;
    selection-background-color: {highlight}; selection-color: {text}; }}
QTableView::item {{ padding: 0 6px; }}
QHeaderView::section {{ background: {window}; color: {muted}; border: none;
    border-bottom: 1px solid {line}; padding: 4px 6px; font-weight: 600; }}
QLineEdit, QComboBox {{ padding: 4px 6px; border: 1px solid {line}; border-radius: 5px;
    background: {base}; }}
QLineEdit:focus, QComboBox:focus {{ border: 1px solid {highlight}; }}
QPushButton {{ padding: 5px 10px; border: 1px solid {line}; border-radius: 5px;
    background: {button}; }}
QPushButton:hover {{ border-color: {muted}; }}
QPushButton:flat {{ border: none; background: transparent; }}
QPushButton:flat:hover {{ background: {button}; }}
QScrollArea#schemaPanel, QWidget#schemaPanelBody {{ background: {window}; }}
QFrame#relationPicker {{ background: {base}; border: 1px solid {muted};
    border-radius: 8px; }}
QLabel#pickerTitle {{ font-weight: 600; }}
QListWidget {{ background: {base}; border: 1px solid {border}; border-radius: 5px; }}
QTabBar {{ qproperty-drawBase: 0; }}
QTabBar::tab {{ padding: 6px 14px; border: none; background: {window}; color: {muted};
    border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {text}; border-bottom: 2px solid {accent}; }}
QTabBar::tab:hover {{ color: {text}; }}
QLabel#emptyHint {{ color: {muted}; }}
"""
