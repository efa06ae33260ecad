"""The Qt-free app model: problem, frames, history, stepping, lesson views (no Qt)."""
