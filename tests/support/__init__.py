"""Helpers the tests share: PostgreSQL for tests, real server processes, and a small API client."""
