"""The dark theme is legible: indicators, text and disabled text against their background,
measured on rendered pixels with the WCAG contrast ratio, under the Fusion style."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QLabel, QRadioButton, QSpinBox, QStyle, QStyleOptionButton,
    QVBoxLayout, QWidget,
)

from nnviz.draw.theme import DARK, LIGHT
from nnviz.ui.palette import apply_palette, indicator_palette

INDICATOR_CONTRAST = 3.0  # WCAG 2.1, 1.4.11: user-interface components
TEXT_CONTRAST = 4.5  # WCAG 2.1, 1.4.3: normal text


def luminance(c: QColor) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v / 255) for v in (c.red(), c.green(), c.blue()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    """(L_light + 0.05) / (L_dark + 0.05), from 1 (same) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def pixels(img: QImage, rect: QRect) -> list[QColor]:
    rect = rect.intersected(img.rect())
    return [img.pixelColor(x, y) for x in range(rect.left(), rect.right() + 1)
            for y in range(rect.top(), rect.bottom() + 1)]


def most_common(img: QImage, rect: QRect) -> QColor:
    """The background of ``rect``: its most common colour."""
    name, _ = Counter(c.name() for c in pixels(img, rect)).most_common(1)[0]
    return QColor(name)


def best_contrast(img: QImage, rect: QRect, background: QColor) -> float:
    """The contrast of the pixel in ``rect`` that stands out most from ``background``
    (a glyph's or a line's core; anti-aliased edges only lower it)."""
    return max(contrast(c, background) for c in pixels(img, rect))


def test_the_contrast_formula():
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)


@pytest.fixture
def fusion(qapp):
    """The app with the Fusion style, as `nnviz` runs it (ui/app.py); the old style afterwards."""
    before = qapp.style().name()
    if before.lower() != "fusion":
        qapp.setStyle("Fusion")
    yield qapp
    if before.lower() != "fusion":
        qapp.setStyle(before)


@pytest.fixture
def dark_fusion(fusion):
    """Fusion with the dark theme's palette; light again afterwards."""
    apply_palette(DARK)
    yield fusion
    apply_palette(LIGHT)


@pytest.fixture
def controls(qtbot, dark_fusion):
    """A panel with each kind of control, shown and rendered in the dark theme."""
    panel = QWidget()
    layout = QVBoxLayout(panel)
    made = {
        "unchecked": QCheckBox("unchecked"), "checked": QCheckBox("checked"), "radio": QRadioButton("radio"),
        "radio_on": QRadioButton("radio on"), "combo": QComboBox(), "spin": QSpinBox(),
        "disabled": QLabel("disabled label"), "disabled_box": QCheckBox("disabled box"),
    }
    made["checked"].setChecked(True)
    made["radio_on"].setChecked(True)
    made["combo"].addItems(["sigmoid", "tanh"])
    made["spin"].setRange(0, 100)
    made["spin"].setValue(50)  # both arrows enabled
    made["disabled"].setEnabled(False)
    made["disabled_box"].setEnabled(False)
    for widget in made.values():
        layout.addWidget(widget)
    qtbot.addWidget(panel)
    panel.resize(240, 320)
    panel.show()
    qtbot.waitExposed(panel)
    return panel, made, panel.grab().toImage()


def in_panel(panel, widget, rect: QRect) -> QRect:
    return rect.translated(widget.mapTo(panel, QPoint(0, 0)))


def indicator_rect(widget) -> QRect:
    opt = QStyleOptionButton()
    opt.initFrom(widget)
    opt.rect = widget.rect()
    element = (QStyle.SubElement.SE_RadioButtonIndicator if isinstance(widget, QRadioButton)
               else QStyle.SubElement.SE_CheckBoxIndicator)
    return widget.style().subElementRect(element, opt, widget)


def test_the_window_background_is_the_dark_theme(controls):
    panel, _, img = controls
    assert most_common(img, img.rect()) == QColor(DARK.window)


@pytest.mark.parametrize("name", ["unchecked", "checked", "radio", "radio_on", "disabled_box"])
def test_check_box_and_radio_button_indicators_stand_out(controls, name):
    """The indicator's outline (its left edge, across its middle rows) against the window;
    with the old palette, Fusion's outline Window.darker(140) was about 1.2 : 1."""
    panel, made, img = controls
    box = made[name]
    r = in_panel(panel, box, indicator_rect(box))
    window = QColor(DARK.window)
    edge = QRect(r.left(), r.center().y() - 1, 3, 3)
    assert best_contrast(img, edge, window) >= INDICATOR_CONTRAST, name
    # the box is not just an outline in the dark: its inside is the field colour, and a
    # checked box shows its mark against that
    inside = r.adjusted(4, 4, -4, -4)
    if name in ("checked", "radio_on"):
        assert best_contrast(img, inside, most_common(img, inside)) >= INDICATOR_CONTRAST, name
    else:
        assert best_contrast(img, inside, window) < 1.5, name  # empty: nothing marked


@pytest.mark.parametrize("name", ["unchecked", "checked", "radio"])
def test_control_labels_are_readable(controls, name):
    panel, made, img = controls
    box = made[name]
    r = in_panel(panel, box, box.rect().adjusted(indicator_rect(box).right() + 4, 0, 0, 0))
    assert best_contrast(img, r, QColor(DARK.window)) >= TEXT_CONTRAST


def test_disabled_text_is_readable(controls):
    """Disabled text is dimmer than enabled text but still readable (the old #6f737a: 2.9 : 1)."""
    panel, made, img = controls
    window = QColor(DARK.window)
    label = made["disabled"]
    disabled = best_contrast(img, in_panel(panel, label, label.rect()), window)
    enabled = best_contrast(img, in_panel(panel, made["checked"], made["checked"].rect()), window)
    assert TEXT_CONTRAST <= disabled < enabled


@pytest.mark.parametrize("name", ["combo", "spin"])
def test_combo_and_spin_box_text_and_arrows_are_readable(controls, name):
    panel, made, img = controls
    widget = made[name]
    r = in_panel(panel, widget, widget.rect())
    text = QRect(r.left() + 4, r.top() + 3, r.width() // 2, r.height() - 6)
    assert best_contrast(img, text, most_common(img, text)) >= TEXT_CONTRAST
    arrows = QRect(r.right() - 14, r.top() + 3, 12, r.height() - 6)
    assert best_contrast(img, arrows, most_common(img, arrows)) >= INDICATOR_CONTRAST


def test_the_light_theme_drops_the_dark_class_palettes(qtbot, dark_fusion):
    """Back to light, a check box gets the style's own palette again, not the indicator one."""
    box = QCheckBox("x")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    window_role = box.palette().ColorRole.Window
    assert box.palette().color(window_role) == indicator_palette(DARK).color(window_role)
    apply_palette(LIGHT)
    QApplication.processEvents()
    assert box.palette().color(window_role) == QApplication.style().standardPalette().color(window_role)


def test_the_dark_window_s_own_check_boxes_stand_out(fusion, window, qtbot):
    """In the real window (its scroll area, group boxes and menus), switched to dark."""
    assert QApplication.style().name().lower() == "fusion"
    window.actions_["dark"].trigger()
    try:
        box = window.controls.standardize
        box.setChecked(False)
        window.left.widget(0).ensureWidgetVisible(box)
        qtbot.wait(10)
        img = box.parentWidget().grab().toImage()
        r = indicator_rect(box).translated(box.pos())
        background = img.pixelColor(r.left() - 3 if r.left() >= 3 else r.right() + 3, r.center().y())
        edge = QRect(r.left(), r.center().y() - 1, 3, 3)
        assert best_contrast(img, edge, background) >= INDICATOR_CONTRAST
    finally:
        window.actions_["dark"].trigger()
