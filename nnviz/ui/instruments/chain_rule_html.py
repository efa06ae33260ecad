"""The chain-rule inspector's page: ∂L/∂w written out as HTML for a QTextBrowser.

``rule_html`` gives the lecture's formula, this weight's formula, a table with one row per
path (its factors and their product) and the three values (Σ over the paths,
backpropagation, central difference) with their agreement; ``message_html`` the page
shown when there is nothing to compute. Colours come from the Theme (Qt-free strings).
"""

from __future__ import annotations

import html

import numpy as np

from nnviz.draw.theme import Theme
from nnviz.engine.chain_rule import ChainRule, weight_symbol
from nnviz.ui.instruments.common import SUBSCRIPT, SUPERSCRIPT, format_number

__all__ = ["AGREEMENT", "column_heads", "message_html", "rule_html"]

AGREEMENT = 1e-6  # relative error up to which the three values "agree"


def _sup(n: int) -> str:
    return f"⁽{str(n).translate(SUPERSCRIPT)}⁾"


def _sub(n: int) -> str:
    return str(n).translate(SUBSCRIPT)


def message_html(message: str, theme: Theme) -> str:
    muted = theme.secondary
    return (f"<p style='color:{muted}'>{html.escape(message)}</p>"
            f"<p style='color:{muted}'>Pick a weight above, or right-click an edge on the "
            "network and choose <i>Inspect ∂L/∂w</i>.</p>")


def column_heads(rule: ChainRule, n_layers: int) -> list[tuple[str, str]]:
    """(symbol, what) per factor column of a network with ``n_layers`` weight layers,
    e.g. ("w⁽³⁾", "weight")."""
    L = n_layers
    heads = [(f"∂L/∂z{_sup(L)}", "output δ")]
    for l in range(L - 1, rule.layer, -1):
        heads.append((f"w{_sup(l + 1)}", "weight"))
        last = l - 1 == rule.layer
        z = f"z{_sup(l)}{_sub(rule.to + 1) if last else ''}"
        heads.append((f"f′({z})", "slope"))
    if rule.is_bias:
        heads.append(("∂z/∂b", "= 1"))
    elif rule.layer == 0:
        heads.append((f"x{_sub(rule.frm + 1)}", "∂z/∂w = a"))
    else:
        heads.append((f"a{_sup(rule.layer)}{_sub(rule.frm + 1)}", "∂z/∂w = a"))
    return heads


def rule_html(rule: ChainRule, layers: tuple[int, ...], x, y, description: str, theme: Theme) -> str:
    """The page for ``rule`` of a network with widths ``layers`` at sample x (n_0,), y (n_L,)."""
    text, muted, head, alt = theme.table_text, theme.secondary, theme.table_head, theme.table_alt
    zero, small = theme.bad, theme.warn  # a factor 0 stops the gradient, a small f′ shrinks it
    L = len(layers) - 1
    n_in = layers[rule.layer]
    sym = weight_symbol(rule.layer, rule.to, rule.frm, n_in)
    first = rule.paths[0] if rule.paths else None

    def vec(v):
        v = np.asarray(v).reshape(-1)
        shown = ", ".join(format_number(t, 3) for t in v[:6]) + (", …" if v.size > 6 else "")
        return f"({shown})"

    parts = [f"<div style='color:{text}'>"]
    # the lecture's formula, then this weight's
    parts.append(
        f"<p style='margin:0 0 2px 0; color:{muted}'>The chain rule, as in the lecture: "
        f"<span style='color:{text}'>∂L/∂w = ∂L/∂O₂ · ∂O₂/∂O₁ · ∂O₁/∂w</span>; "
        "through each neuron ∂O<sub>next</sub>/∂O = w · f′(z); the paths add up.</p>")
    if first is not None:
        terms = column_heads(rule, L)
        paths = "the path" if rule.n_paths == 1 else f"all {rule.n_paths:,} paths".replace(",", " ")
        sigma = "" if rule.n_paths == 1 else "Σ "
        parts.append(
            f"<p style='margin:4px 0 2px 0; font-size:large'><b>∂L/∂{sym}</b> = {sigma}"
            + " · ".join(t for t, _ in terms)
            + f" <span style='font-size:small; color:{muted}'>&nbsp;(over {paths})</span></p>")
    ys = vec(y)
    parts.append(
        f"<p style='margin:0 0 6px 0; color:{muted}'>{sym} = {format_number(rule.value)} · "
        f"{html.escape(description)}: x = {vec(x)}, y = {ys} · L = {format_number(rule.loss)}</p>")

    # the paths
    if rule.paths:
        heads = column_heads(rule, L)
        head_cells = "".join(
            f"<th align='right' bgcolor='{head}'>{t}<br>"
            f"<span style='font-weight:normal; font-size:small; color:{muted}'>{what}</span></th>"
            for t, what in heads)
        parts.append("<table cellspacing='0' cellpadding='4' width='100%'>")
        parts.append(f"<tr><th align='left' bgcolor='{head}'>path<br>"
                     f"<span style='font-weight:normal; font-size:small; color:{muted}'>neurons</span></th>"
                     f"{head_cells}<th align='right' bgcolor='{head}'>product<br>"
                     f"<span style='font-weight:normal; font-size:small; color:{muted}'>of the row</span></th></tr>")
        for i, path in enumerate(rule.paths):
            bg = f" bgcolor='{alt}'" if i % 2 else ""
            route = " → ".join(f"{path.neurons[j] + 1}" for j in range(len(path.neurons)))
            cells = []
            for label, value in path.factors:
                color = text
                if value == 0.0:
                    color = zero
                elif label.startswith("f′") and abs(value) < 0.1:
                    color = small
                cells.append(f"<td align='right'{bg} style='color:{color}'>{format_number(value)}</td>")
            product = muted if path.product == 0.0 else text
            parts.append(f"<tr><td{bg} style='color:{muted}'>{route}</td>{''.join(cells)}"
                         f"<td align='right'{bg} style='color:{product}'><b>{format_number(path.product)}</b></td></tr>")
        parts.append("</table>")
        if not rule.all_listed:
            rest = rule.total - rule.listed_total
            parts.append(
                f"<p style='margin:4px 0 0 0; color:{muted}; font-size:small'>The {len(rule.paths)} "
                f"paths with the largest |product| of {rule.n_paths:,}".replace(",", " ")
                + f"; they add up to {format_number(rule.listed_total)}, the others to {format_number(rest)}.</p>")
        else:
            parts.append(
                f"<p style='margin:4px 0 0 0; color:{muted}; font-size:small'>Neurons counted from 1, "
                f"layer {rule.layer + 1} to the output layer {L}. "
                f"<span style='color:{small}'>f′ &lt; 0.1</span>: the gradient shrinks there; "
                f"<span style='color:{zero}'>0</span>: it stops.</p>")

    # the three values
    ok = rule.relative_error <= AGREEMENT
    verdict = (f"<span style='color:{theme.good}'>✓ agree</span>" if ok
               else f"<span style='color:{theme.bad}'>✗ differ (a kink of ReLU near z = 0?)</span>")
    n = "the path" if rule.n_paths == 1 else f"all {rule.n_paths:,} paths".replace(",", " ")
    rows = [
        (f"Σ over {n}", format_number(rule.total, 7), True),
        ("Backpropagation (the engine's trace)", format_number(rule.trace_value, 7), False),
        ("Central difference (L(w ± h))", format_number(rule.numeric, 7), False),
        ("Relative error", f"{format_number(rule.relative_error, 2)} &nbsp;{verdict}", False),
    ]
    parts.append("<table cellspacing='0' cellpadding='4' style='margin-top:8px'>")
    for label, value, strong in rows:
        bg = f" bgcolor='{theme.total}'" if strong else ""
        value = f"<b>{value}</b>" if strong else value
        parts.append(f"<tr><td{bg}>{label}</td><td align='right'{bg}>{value}</td></tr>")
    parts.append("</table></div>")
    return "".join(parts)
