"""Use cases: one move per function, read once and committed once in one unit of work."""
