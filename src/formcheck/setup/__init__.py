"""Before counting: camera advice, live placement, recognising the exercise."""
