"""Everything that talks to the server: REST client and WebSocket listener, each on a worker thread."""
