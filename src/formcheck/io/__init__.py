"""Video files and cameras: the only code that touches PyAV or OpenCV capture."""
