"""The client's domain types: the wire objects as typed records, the signed-in account, server addresses.

Plain Python (no Qt, no I/O), so every layer may use them: net, cache, controllers, models and views."""
