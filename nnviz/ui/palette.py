"""The Qt palette of a Theme (the Fusion style's own palette is the light theme)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from nnviz.draw.theme import Theme


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
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.disabled_text))
    return p


def apply_palette(theme: Theme) -> None:
    """Give the application ``theme``'s palette (only under Fusion, whose palette it is made for)."""
    app = QApplication.instance()
    if app is not None and app.style().name().lower() == "fusion":
        app.setPalette(dark_palette(theme) if theme.dark else app.style().standardPalette())
