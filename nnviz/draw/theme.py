"""The one theme vocabulary: every colour the window, the canvas, the plots, the
instruments and exported frames use, for the light and the dark theme.

Every view takes a ``Theme`` (``set_theme(theme)``); ``THEMES[name]`` / ``theme_named``
pick one by its name ("light" or "dark"), the name stored in settings and given to export.
Qt-free data (plain strings and tuples), so the app model and tests can read it too.
"""

from __future__ import annotations

from dataclasses import dataclass

#: TensorFlow Playground's colours: orange for class 0 / w < 0, blue for class 1 / w > 0.
NEGATIVE_COLOR = "#f59322"
POSITIVE_COLOR = "#0877bd"
#: Qualitative palette for multiclass problems (class k gets CLASS_COLORS[k % 10]).
CLASS_COLORS = (
    "#0877bd",  # blue
    "#f59322",  # orange
    "#2ca02c",  # green
    "#d62728",  # red
    "#9467bd",  # purple
    "#8c564b",  # brown
    "#e377c2",  # pink
    "#7f7f7f",  # grey
    "#bcbd22",  # olive
    "#17becf",  # cyan
)


@dataclass(frozen=True)
class Theme:
    name: str
    dark: bool
    # the window and the canvas
    background: str
    text: str
    muted: str  # captions, secondary text
    node: str
    node_border: str
    positive: str  # w > 0
    negative: str  # w < 0
    grad_positive: str  # ∂L/∂w > 0
    grad_negative: str
    highlight: str  # what a lesson step points at
    dim: str  # edges not reached yet, dead neurons
    # plots
    plot_text: str  # titles, tick labels
    axis: str  # axis lines and ticks
    legend_fill: tuple[int, int, int, int]
    legend_border: str
    series: tuple[str, str]  # first and second data colour (train/test, f/f′)
    neutral: str  # histograms
    shade: tuple[int, int, int, int]  # saturated regions
    legend_sample: str  # legend swatch of points coloured one by one (train/test markers)
    # instruments: tables and verdicts
    table_text: str  # body text of the instruments' tables
    secondary: str  # secondary text in panels
    table_head: str
    table_alt: str
    rule: str
    good: str
    bad: str
    warn: str
    accent: str
    total: str
    # the Qt palette of the dark theme (the light theme keeps the style's own)
    window: str
    base: str
    button: str
    tooltip: str
    link: str
    disabled_text: str
    bright_text: str  # text on a dark, strong background


LIGHT = Theme(
    name="light", dark=False,
    background="#ffffff", text="#222222", muted="#8a8f98", node="#e9ecef", node_border="#5f6368",
    positive="#0877bd", negative="#f59322", grad_positive="#8e24aa", grad_negative="#2e7d32",
    highlight="#d81b60", dim="#d0d4da",
    plot_text="#202124", axis="#5f6368", legend_fill=(255, 255, 255, 225), legend_border="#c4c7cc",
    series=("#0877bd", "#e8710a"), neutral="#5f6368", shade=(217, 48, 37, 34), legend_sample="#9aa0a6",
    table_text="#202124",
    secondary="#5f6368", table_head="#eef1f5", table_alt="#f7f8fa", rule="#c4c7cc", good="#188038", bad="#c5221f",
    warn="#b06000", accent="#0877bd", total="#e8f0fe",
    window="#efefef", base="#ffffff", button="#efefef", tooltip="#ffffdc", link="#0b57d0",
    disabled_text="#8a8f98", bright_text="#ffffff",
)
DARK = Theme(
    name="dark", dark=True,
    background="#1e1f22", text="#e8eaed", muted="#9aa0a6", node="#3c4043", node_border="#bdc1c6",
    positive="#4fa3e0", negative="#f5a742", grad_positive="#ce93d8", grad_negative="#81c784",
    highlight="#ff6f9c", dim="#4a4d52",
    plot_text="#dfe1e5", axis="#9aa0a6", legend_fill=(43, 45, 49, 225), legend_border="#4e5157",
    series=("#4fa8e0", "#f7a541"), neutral="#9aa0a6", shade=(242, 139, 130, 40), legend_sample="#c4c7cc",
    table_text="#e8eaed",
    secondary="#9aa0a6", table_head="#2d3034", table_alt="#26282c", rule="#4e5157", good="#81c995", bad="#f28b82",
    warn="#fdd663", accent="#8ab4f8", total="#1f3049",
    window="#2b2d30", base="#1e1f22", button="#3c3f41", tooltip="#3c3f41", link="#8ab4f8",
    disabled_text="#6f737a", bright_text="#ff6f6f",
)
THEMES = {"light": LIGHT, "dark": DARK}


def theme_named(name: str) -> Theme:
    """The theme called ``name``; anything else (an old or broken setting) is the light one."""
    return THEMES.get(name, LIGHT)
