"""The stand-ins of tests/desktop/fakes.py keep in step with what they stand in for: every call they offer is
the real one's, with the same parameters, so a change to the real client cannot leave a fake (and the
branches written for it) behind."""

from __future__ import annotations

import inspect

import pytest

from desktop.net.api import ApiClient
from desktop.net.events import EventListener
from desktop.net.rest_worker import RestDispatcher
from desktop.net.transfers import TransferService
from tests.desktop.fakes import FakeListener, FakeRest, FakeServerApi, FakeTransfers

TEST_HELPERS = {"add_conversation", "post"}  # how a test sets up the in-memory server; no real counterpart


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if inspect.isfunction(member) and not name.startswith("_") and name not in TEST_HELPERS
    }


def shape(signature: inspect.Signature) -> list[tuple[str, object, object]]:
    """Names, kinds and defaults: what a caller relies on (annotations may be looser in a fake)."""
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize(
    ("fake", "real"),
    [
        (FakeServerApi, ApiClient),
        (FakeRest, RestDispatcher),
        (FakeListener, EventListener),
        (FakeTransfers, TransferService),
    ],
)
def test_every_call_of_a_fake_is_the_real_ones(fake, real):
    fake_methods = public_methods(fake)
    assert fake_methods, f"{fake.__name__} offers nothing"
    for name, signature in fake_methods.items():
        assert hasattr(real, name), f"{fake.__name__}.{name} does not exist on {real.__name__}"
        assert shape(signature) == shape(inspect.signature(getattr(real, name))), f"{fake.__name__}.{name}"
    for name, member in vars(fake).items():
        if isinstance(member, property):
            assert isinstance(getattr(real, name, None), property), f"{fake.__name__}.{name}"


def test_the_fake_listener_has_the_real_signals():
    signals = [name for name, member in vars(EventListener).items() if type(member).__name__ == "Signal"]
    assert signals
    for name in signals:
        assert str(getattr(FakeListener, name)) == str(getattr(EventListener, name)), name
