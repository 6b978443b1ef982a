"""1-D signals over time: the rep counter, smoothing, timers."""
