"""The rules of the service: what may happen, in which transaction, and which events it publishes."""
