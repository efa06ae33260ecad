"""Classification read off a network's outputs, in one place: the trainer's accuracy, the
digit panel's confusion matrix and mistakes, and the lessons' quantities all count alike."""

from __future__ import annotations

import numpy as np


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    """(n, C) network outputs → (n,) int classes: argmax for several outputs, ŷ > 0.5 for one
    (sigmoid) output."""
    y_hat = np.asarray(outputs, dtype=np.float64)
    if y_hat.shape[1] == 1:
        return (y_hat[:, 0] > 0.5).astype(np.intp)
    return np.argmax(y_hat, axis=1).astype(np.intp)


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """(C, C) int counts M[t, p] = #{i : true_i = t, predicted_i = p}: rows are the true class,
    columns the predicted one; M.sum() = n and trace(M) = the number right.
    Computed as bincount(true·C + predicted) reshaped to (C, C)."""
    t = np.asarray(true).astype(np.intp)
    p = np.asarray(predicted).astype(np.intp)
    c = int(num_classes)
    if t.shape != p.shape or t.ndim != 1:
        raise ValueError(f"true {t.shape} and predicted {p.shape} must be two (n,) arrays")
    if t.size and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= c):
        raise ValueError(f"classes must lie in 0 … {c - 1}")
    return np.bincount(t * c + p, minlength=c * c).reshape(c, c)
