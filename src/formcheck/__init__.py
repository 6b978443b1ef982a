"""formcheck: counts reps and corrects form from a webcam or a recorded clip."""

__version__ = "0.1.0"
