"""The Qt palette of a Theme (the Fusion style's own palette is the light theme).

Fusion draws the outline of a check box, a radio button and a menu's check box as
``Window.darker(140)``: dark on a dark window, so an unchecked box disappears. Those
classes get a palette of their own whose Window role (used for nothing else in them: they
fill no background of their own) makes that outline ``theme.muted``, a light grey with a
WCAG contrast above 5 against the window and the fields (tests/ui/test_theme_legibility.py).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from nnviz.draw.theme import Theme

#: The widget classes whose indicator outline Fusion derives from their Window role.
INDICATOR_CLASSES = ("QCheckBox", "QRadioButton", "QMenu")


def dark_palette(theme: Theme) -> QPalette:
    """A palette for the Fusion style from ``theme``'s window colours."""
    p = QPalette()
    roles = QPalette.ColorRole
    colors = {
        roles.Window: theme.window, roles.WindowText: theme.text, roles.Base: theme.base,
        roles.AlternateBase: theme.window, roles.ToolTipBase: theme.tooltip, roles.ToolTipText: theme.text,
        roles.Text: theme.text, roles.Button: theme.button, roles.ButtonText: theme.text,
        roles.BrightText: theme.bright_text, roles.Highlight: theme.positive, roles.HighlightedText: theme.base,
        roles.Link: theme.link, roles.PlaceholderText: theme.muted,
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (roles.Text, roles.ButtonText, roles.WindowText):
        # muted, not a darker grey: disabled text stays readable (≥ 4.5 : 1 on the window)
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    return p


def indicator_palette(theme: Theme) -> QPalette:
    """``dark_palette`` with the Window role that gives Fusion's indicators a ``theme.muted``
    outline: Fusion paints it as Window.darker(140).lighter(110), so Window is the inverse."""
    p = dark_palette(theme)
    p.setColor(QPalette.ColorRole.Window, QColor(theme.muted).lighter(140).darker(110))
    return p


def apply_palette(theme: Theme) -> None:
    """Give the application ``theme``'s palette (only under Fusion, whose palette it is made for)."""
    app = QApplication.instance()
    if app is None or app.style().name().lower() != "fusion":
        return
    if not theme.dark:
        app.setPalette(app.style().standardPalette())  # (also drops the class palettes below)
        return
    app.setPalette(dark_palette(theme))
    for name in INDICATOR_CLASSES:
        app.setPalette(indicator_palette(theme), name)
