"""Help → Keyboard shortcuts and Help → Guide: two non-modal windows.

The shortcut list is generated from the action registry (ui.actions: ACTIONS, in MENUS
order) and the instrument panels (ui.docks: PANELS), the same data the window's QActions
are made from, so it is always complete. The guide names its keys from the same registry.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from nnviz.ui.actions import ACTIONS, MENUS, key_sequences
from nnviz.ui.docks import PANELS

__all__ = ["guide_html", "guide_sections", "keys_of", "plain", "shortcut_rows", "show_guide", "show_shortcuts"]

INSTRUMENTS = "Instruments"  # the menu the window adds before Help (ui.main_window)


def plain(text: str) -> str:
    """A menu text without its mnemonic: "S&tep" → "Step" ("&&" is a literal "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _native(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def keys_of(key: str) -> str:
    """The keys of registered action ``key`` as shown to the user ("Space", "Right, PgDown"); "" if none."""
    info = next((i for i in ACTIONS if i.key == key), None)
    return ", ".join(_native(s) for s in key_sequences(info)) if info is not None else ""


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(section, action text, keys) of every action with a shortcut: menu by menu as the
    menu bar orders them (the instruments before Help), then any action no menu lists."""
    infos = {i.key: i for i in ACTIONS}
    rows, listed = [], set()
    for title, keys in MENUS.items():
        if title == "&Help":
            rows += [(INSTRUMENTS, title_, shortcut) for _, title_, shortcut in PANELS]
        for key in keys:
            if key is not None and key_sequences(infos[key]):
                rows.append((plain(title), plain(infos[key].text), keys_of(key)))
                listed.add(key)
    rows += [("Other", plain(i.text), keys_of(i.key)) for i in ACTIONS if i.key not in listed and key_sequences(i)]
    return rows


def _shortcuts_html(rows) -> str:
    out, section = ["<table cellspacing='0' cellpadding='3'>"], None
    for sec, text, keys in rows:
        if sec != section:
            out.append(f"<tr><td colspan='2'><br><b>{escape(sec)}</b></td></tr>")
            section = sec
        out.append(f"<tr><td>{escape(text)}</td><td>&nbsp;&nbsp;<b>{escape(keys)}</b></td></tr>")
    out.append("</table>")
    return "".join(out)


def _k(key: str) -> str:
    """" (Space)" after a name in the guide, from the registry ("" when it has no keys)."""
    keys = keys_of(key)
    return f" (<b>{escape(keys)}</b>)" if keys else ""


def guide_sections() -> tuple[tuple[str, str], ...]:
    """The guide: (heading, HTML paragraph) per part of the window, in reading order."""
    first, last = PANELS[0][2], PANELS[-1][2]
    return (
        ("Where to begin", (
            f"Press <b>Play</b>{_k('play')} and watch the network learn; press it again to pause. "
            f"<b>Step</b>{_k('step')} goes one step at a time. The <b>Lessons</b> menu walks through the "
            "lecture from the perceptron to deep networks, one screen at a time.")),
        ("Left: the controls", (
            "<b>Run</b>: Play, Step, Reset (new weights from the seed) and what one Step does: one "
            "<i>phase</i> (the forward pass, the backward pass and the update, animated layer by layer), "
            "one sample, one mini-batch or one epoch. <b>Data</b>, <b>Network</b> and <b>Training</b> set "
            "the problem, the layers and the learning rate. In a lesson the lesson's text takes this place.")),
        ("Centre: the network", (
            "Nodes and edges: blue for w &gt; 0, orange for w &lt; 0, the width ∝ |w|. Hover a node or an "
            "edge for its numbers, click an edge to set its weight, right-click it to see ∂L/∂w worked out "
            "(the chain-rule panel). Drag to pan, the wheel zooms. The bar above adds and removes layers "
            "and neurons.")),
        ("Slow down and look back", (
            "<b>Step does: one phase</b> with a longer <b>Animation</b> shows each number as it is "
            "computed. Below the network, <b>Speed</b> slows Play from full speed down to a few steps per "
            f"second, and the <b>Timeline</b> goes back through the recorded run; <b>Step back</b>{_k('step_back')} "
            "goes one recorded frame back.")),
        ("Right: the plots", (
            "The decision boundary with the training points (filled) and test points (ringed); the train "
            f"and test loss and accuracy, on a log axis with <b>Log-scale loss</b>{_k('log_scale')}; the "
            "activation function of a chosen layer with a histogram of its inputs z. For images "
            "(Dataset → digits, or MNIST files through File → Import data…) the decision boundary gives "
            "way to each first-layer neuron's weights as an image, the confusion matrix and the "
            "misclassified images: click one to trace it through the network.")),
        ("Below: the instruments", (
            f"The Instruments menu ({first} … {last}) opens the chain rule, gradient flow, dead neurons, "
            "initialization lab, optimizers, loss functions and the drawing pad (draw a digit, see the "
            "network read it); the key brings its tab to the front, and "
            "hides it when it is in front.")),
        ("In the lecture hall", (
            f"<b>Presentation scale</b>{_k('presentation')} makes text and lines large enough for a "
            f"projector; <b>Full screen</b>{_k('fullscreen')}, <b>Dark theme</b>{_k('dark')}. In a lesson, "
            f"{keys_of('lesson_next')} go on (a question is answered first), {keys_of('lesson_prev')} go "
            f"back and {keys_of('blank')} blanks the screen.")),
        ("More", (
            f"Help → Keyboard shortcuts{_k('shortcuts')} lists every key. File → Export… writes the run "
            "as a video, a GIF or pictures.")),
    )


def guide_html() -> str:
    return "".join(f"<h3>{escape(title)}</h3><p>{body}</p>" for title, body in guide_sections())


class _HelpWindow(QDialog):
    """A non-modal window with one text browser (scrolls, selectable, grows with the font)."""

    def __init__(self, name: str, title: str, html: str, parent: QWidget):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(html)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(560, 620)


def _show(parent: QWidget, name: str, title: str, html: str) -> _HelpWindow:
    """Show the window called ``name`` (one of each: an open one is raised)."""
    dialog = parent.findChild(_HelpWindow, name)
    if dialog is None:
        dialog = _HelpWindow(name, title, html, parent)
    dialog.show()
    dialog.activateWindow()  # (brings an open one forward; raise_() is not every platform's)
    return dialog


def show_shortcuts(parent: QWidget) -> QDialog:
    """Help → Keyboard shortcuts."""
    return _show(parent, "shortcuts_dialog", "nnviz: keyboard shortcuts", _shortcuts_html(shortcut_rows()))


def show_guide(parent: QWidget) -> QDialog:
    """Help → Guide."""
    return _show(parent, "guide_dialog", "nnviz: guide to the window", guide_html())
