"""Instrument panels: small self-contained views that each teach one idea (weight
initialization, optimizers, loss functions, …) next to the main network view.

Every panel is ``Panel(controller=None, parent=None)``: given a SessionController it
listens to its signals (and only ever reads snapshots and copies, so it works while
training runs); without one it is driven by its plain methods (tests, export).
"""
