"""The shell: the only place that knows everything. The settings, the one wiring module,
the app factory, the timers, logging and the report's files; the command line
(``bot/cli``) beside it."""
