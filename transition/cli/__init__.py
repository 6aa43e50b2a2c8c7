"""The command line: the Typer app and its command groups, shared options,
human tables and JSON output, and start-up. The top layer."""
