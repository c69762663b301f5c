"""Pure code that both the server and the desktop client import: standard library only, no Flask, no Qt."""
