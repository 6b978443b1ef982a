"""Shared machinery the exercise checkers build on (not exercises themselves)."""
