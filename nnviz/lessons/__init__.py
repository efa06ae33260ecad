"""Lessons: TOML lesson files, a headless player, and the checks that keep their numbers right. No Qt here."""
