"""How times read in the UI: in the user's locale and time zone, relative to today where that reads better."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from PySide6.QtCore import QDate, QLocale, QTime


def _today() -> date:
    return datetime.now().astimezone().date()


def clock_time(moment: datetime) -> str:
    local = moment.astimezone()
    return QLocale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)


@lru_cache(maxsize=4096)
def _day_label(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    qdate = QDate(day.year, day.month, day.day)
    if day.year == today.year:
        return QLocale().toString(qdate, "dddd, d MMMM")
    return QLocale().toString(qdate, QLocale.FormatType.LongFormat)


def day_label(day: date) -> str:
    return _day_label(day, _today())


def list_time(moment: datetime | None) -> str:
    """For the conversation list: the time today, the weekday this week, else a short date."""
    if moment is None:
        return ""
    local = moment.astimezone()
    today = _today()
    if local.date() == today:
        return clock_time(local)
    if today - local.date() < timedelta(days=7):
        return QLocale().toString(QDate(local.year, local.month, local.day), "ddd")
    return QLocale().toString(QDate(local.year, local.month, local.day), QLocale.FormatType.ShortFormat)


def full_time(moment: datetime) -> str:
    local = moment.astimezone()
    qdate = QDate(local.year, local.month, local.day)
    return (
        QLocale().toString(qdate, QLocale.FormatType.LongFormat)
        + " "
        + QLocale().toString(QTime(local.hour, local.minute, local.second), QLocale.FormatType.LongFormat)
    )
