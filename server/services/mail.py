"""Outgoing mail: real SMTP (STARTTLS or TLS) when configured, else .eml files in an outbox folder.

Sending happens beside the request, so a password-reset answer takes the same time whether or not a mail was
sent (the response must not tell whether an account exists).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from server.config import Config

log = logging.getLogger(__name__)


def build_message(config: Config, to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config.smtp_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="chatidk.local")
    msg.set_content(body)
    return msg


def _send_smtp(config: Config, host: str, msg: EmailMessage) -> None:
    if config.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, config.smtp_port, timeout=30, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, config.smtp_port, timeout=30)
    with smtp:
        if config.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password or "")
        smtp.send_message(msg)


def _write_outbox(config: Config, msg: EmailMessage) -> Path:
    outbox = config.data_dir / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{msg['Date'][:16].replace(',', '').replace(' ', '-')}-{uuid.uuid4().hex[:8]}.eml"
    partial = path.with_suffix(".part")  # renamed when whole: a reader of *.eml never sees half a mail
    partial.write_bytes(bytes(msg))
    partial.chmod(0o600)
    partial.replace(path)
    return path


def deliver(config: Config, msg: EmailMessage) -> None:
    try:
        if config.smtp_host:
            _send_smtp(config, config.smtp_host, msg)
            log.info("mail %r sent to %s", msg["Subject"], msg["To"])
        else:
            path = _write_outbox(config, msg)
            log.warning(
                "no SMTP server configured (CHATIDK_SMTP_HOST): mail %r written to %s", msg["Subject"], path
            )
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail %r", msg["Subject"])


def send_later(config: Config, to: str, subject: str, body: str) -> threading.Thread:
    """Send in the background (a greenlet under gevent); the caller answers its client at once."""
    thread = threading.Thread(
        target=deliver, args=(config, build_message(config, to, subject, body)), name="mail", daemon=True
    )
    thread.start()
    return thread
