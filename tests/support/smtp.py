"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the mail tests."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.server_process import free_port


class _Keep:
    def __init__(self, inbox: SmtpInbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.inbox.cond:
            self.inbox.messages.append(message)
            self.inbox.cond.notify_all()
        return "250 Message accepted for delivery"


class SmtpInbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.cond = threading.Condition()
        self.port = free_port()
        self._controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpInbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, to: str, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        """The mails to ``to`` once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                mine = [m for m in self.messages if m["To"] == to]
                if len(mine) >= count:
                    return mine
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no mail to {to} within {timeout} s; have {len(self.messages)}")
                self.cond.wait(remaining)

    def to(self, address: str) -> list[EmailMessage]:
        with self.cond:
            return [m for m in self.messages if m["To"] == address]


def code_in(message: EmailMessage) -> str:
    match = re.search(r"\b(\d{8})\b", message.get_content())
    assert match, message.get_content()
    return match.group(1)
