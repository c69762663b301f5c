"""How long a connection waiting for a request may wait on once its worker stops (server/gunicorn_worker.py).

The stop itself, with a real server process, is in tests/e2e/test_graceful_stop.py.
"""

from __future__ import annotations

from server.gunicorn_worker import NEW_CONNECTION_GRACE, delay_before_closing


def test_a_connection_idle_after_a_request_is_closed_at_once_however_long_it_waited():
    assert delay_before_closing(first_request=False, waited=0.0) == 0.0
    assert delay_before_closing(first_request=False, waited=25.0) == 0.0


def test_a_new_connection_gets_the_rest_of_its_grace_for_its_first_request():
    assert delay_before_closing(first_request=True, waited=0.0) == NEW_CONNECTION_GRACE
    assert delay_before_closing(first_request=True, waited=1.0) == NEW_CONNECTION_GRACE - 1.0
    assert delay_before_closing(first_request=True, waited=NEW_CONNECTION_GRACE + 20) == 0.0
