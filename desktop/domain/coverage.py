"""Which seqs a page of GET …/messages tells the client about: seqs the server leaves out for me (messages I
deleted for me) look like holes, yet a page says they hold nothing I may see (docs/protocol.md, "Islands")."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.domain.records import Message

SeqRange = tuple[int, int]  # (first, last), both included; first <= last


@dataclass
class HistoryRun:
    """Cached messages next to a seq, ascending, and ``edge``: how far the run is known. For a run before
    seq X: every seq in [edge, X-1] is in ``messages`` or holds nothing for me (edge 1: nothing older
    exists); for a run after seq X: every seq in [X+1, edge]. Edge X: nothing is known there."""

    messages: list[Message] = field(default_factory=list)
    edge: int = 0


def before_page(before_seq: int, seqs: list[int], has_more: bool) -> SeqRange | None:
    """``before_seq=X`` answered with ``seqs``: all I may see in [first, X-1], or in [1, X-1] when nothing
    older is there."""
    if not has_more:
        return (1, before_seq - 1) if before_seq > 1 else None
    return (min(seqs), before_seq - 1) if seqs else None


def after_page(after_seq: int, seqs: list[int], has_more: bool, known_last: int) -> SeqRange | None:
    """``after_seq=N`` answered with ``seqs``: [N+1, last]; with nothing more, up to ``known_last`` too (a seq
    known to exist when the page was asked for: whatever of it I may see would be in the page)."""
    last = max(seqs, default=after_seq)
    if not has_more:
        last = max(last, known_last)
    return (after_seq + 1, last) if last > after_seq else None


def latest_page(seqs: list[int], has_more: bool, known_last: int) -> SeqRange | None:
    """The newest page (no cursor): [first, newest known], from 1 when nothing older is there."""
    last = max(max(seqs, default=0), known_last)
    if not has_more:
        return (1, last) if last >= 1 else None
    return (min(seqs), last) if seqs else None


def around_page(
    seq: int, seqs: list[int], more_before: bool, more_after: bool, known_last: int
) -> SeqRange | None:
    """``around=seq``: ``limit // 2`` before seq (all of [first, seq-1], or [1, seq-1]) and the rest from
    it on (all of [seq, last], and up to ``known_last`` when nothing more comes after)."""
    older = [s for s in seqs if s < seq]
    newer = [s for s in seqs if s >= seq]
    if not more_before:
        first = 1
    elif older:
        first = min(older)
    else:
        first = seq  # limit // 2 == 0: nothing is known before seq
    last = max(newer, default=seq - 1)
    if not more_after:
        last = max(last, known_last)
    return (first, last) if first <= last else None


def merged(ranges: list[SeqRange]) -> list[SeqRange]:
    """Ranges that overlap or touch joined into one, ascending."""
    out: list[SeqRange] = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out
