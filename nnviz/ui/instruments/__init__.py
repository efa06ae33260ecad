"""Instrument panels: small self-contained views that each teach one idea (weight
initialization, optimizers, loss functions, …) next to the main network view.

Every panel is ``Panel(controller=None, parent=None, *, theme=LIGHT)``: given a
SnapshotSource (``source.py``; the SessionController is one) it listens to its signals
and only ever reads frozen snapshots and copies, so it works while training runs; without
one it is driven by its plain methods (tests, export). ``set_theme(theme)`` restyles it.
"""
