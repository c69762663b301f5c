"""HTTP and WebSocket routes: parse, authenticate, validate, call a service, answer. No SQL here.

Each route module has its own blueprint (``bp``), registered by the app factory (server/__init__.py);
routing.py is the one way to declare a REST route, context.py the way to the running app's AppContext.
"""
