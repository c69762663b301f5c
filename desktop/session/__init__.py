"""One signed-in account on screen: its session object builds the controllers and windows and wires them."""

from desktop.session.session import ChatSession

__all__ = ["ChatSession"]
