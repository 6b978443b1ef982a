"""Where results go: the report, the drawn overlay, the history database, the voice."""
