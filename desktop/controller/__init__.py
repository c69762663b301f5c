"""Between views and net: turns user intentions into server calls and server news into model changes."""
