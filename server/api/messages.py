"""Routes for messages: send (idempotent), page, edit, delete, the change stream, reactions, pins and
"delete for me"."""

from __future__ import annotations

from flask import g

from server.api import schemas as s
from server.api.context import ctx
from server.api.routing import blueprint, endpoint
from server.errors import InvalidField
from server.services import forwards, hides, messages, pins, reactions

bp = blueprint("messages", __name__)

_MESSAGES = "/conversations/<id:conversation_id>/messages"


def _mine(mine: dict[str, list[str]]) -> dict:
    """A list's ``my_reactions`` (by seq), left out when the caller reacted to none of its messages."""
    return {"my_reactions": mine} if mine else {}


@endpoint(
    bp,
    _MESSAGES,
    "POST",
    summary="Send a message (a retried client_id returns the stored one)",
    tag="messages",
    body=s.SendMessage,
    responses={201: s.MessageEnvelope, 200: s.MessageEnvelope},
    errors=(400, 401, 403, 404, 409, 429),
    auth_in_service=True,  # a token not cached is checked with the send's pre-check, in its round trip
)
def send_message(conversation_id: int, body: s.SendMessage):
    if body.text is None and not body.file_ids:
        raise InvalidField("text: is required unless file_ids names a file", field="text")
    message, created = messages.send(
        ctx(),
        g.user_id,
        conversation_id,
        body.client_id,
        body.text,
        body.file_ids,
        body.reply_to_seq,
        token_hash=g.token_hash,
    )
    g.user_id = message["sender_id"]  # for the request log, when the pre-check authenticated the caller
    return {"message": message}, 201 if created else 200


@endpoint(
    bp,
    _MESSAGES,
    "GET",
    summary="A page of messages in ascending seq (after, before, or around a seq)",
    tag="messages",
    query=s.MessagePage,
    responses={200: s.MessageList},
    errors=(400, 401, 404),
)
def list_messages(conversation_id: int, query: s.MessagePage):
    if query.after_seq is not None and query.before_seq is not None and query.before_seq <= query.after_seq:
        raise InvalidField("before_seq must be greater than after_seq", field="before_seq")
    if query.around is not None:
        if query.after_seq is not None or query.before_seq is not None:
            raise InvalidField("around: cannot be combined with after_seq or before_seq", field="around")
        window, before, after, mine = messages.around(
            ctx(), g.user_id, conversation_id, query.around, query.limit
        )
        return {"messages": window, "has_more": before, "has_more_after": after, **_mine(mine)}
    page, has_more, mine = messages.page(
        ctx(), g.user_id, conversation_id, query.after_seq, query.before_seq, query.limit
    )
    return {"messages": page, "has_more": has_more, **_mine(mine)}


@endpoint(
    bp,
    _MESSAGES + "/<id:seq>",
    "PATCH",
    summary="Edit my message",
    tag="messages",
    body=s.EditMessage,
    responses={200: s.MessageEnvelope},
    errors=(400, 401, 403, 404, 409),
)
def edit_message(conversation_id: int, seq: int, body: s.EditMessage):
    return {"message": messages.edit(ctx(), g.user_id, conversation_id, seq, body.text)}


@endpoint(
    bp,
    _MESSAGES + "/<id:seq>",
    "DELETE",
    summary="Delete my message (it stays as a tombstone)",
    tag="messages",
    responses={200: s.MessageEnvelope},
    errors=(401, 403, 404),
)
def delete_message(conversation_id: int, seq: int):
    return {"message": messages.delete(ctx(), g.user_id, conversation_id, seq)}


@endpoint(
    bp,
    "/conversations/<id:conversation_id>/changes",
    "GET",
    summary="Messages changed (edited, deleted, …) after a change version, each once as it is now",
    tag="messages",
    query=s.ChangesQuery,
    responses={200: s.ChangeList},
    errors=(400, 401, 404),
)
def list_changes(conversation_id: int, query: s.ChangesQuery):
    return messages.changes(ctx(), g.user_id, conversation_id, query.after, query.after_seq, query.limit)


_REACTION = _MESSAGES + "/<id:seq>/reactions/<emoji>"


@endpoint(
    bp,
    _REACTION,
    "PUT",
    summary="React to a message with one emoji (idempotent)",
    tag="messages",
    responses={200: s.ReactionAnswer},
    errors=(400, 401, 403, 404, 409, 429),
)
def add_reaction(conversation_id: int, seq: int, emoji: str):
    message, mine = reactions.react(ctx(), g.user_id, conversation_id, seq, emoji, True)
    return {"message": message, "my_reactions": mine}


@endpoint(
    bp,
    _REACTION,
    "DELETE",
    summary="Take my reaction back (idempotent)",
    tag="messages",
    responses={200: s.ReactionAnswer},
    errors=(400, 401, 403, 404, 409, 429),
)
def remove_reaction(conversation_id: int, seq: int, emoji: str):
    message, mine = reactions.react(ctx(), g.user_id, conversation_id, seq, emoji, False)
    return {"message": message, "my_reactions": mine}


_PIN = _MESSAGES + "/<id:seq>/pin"


@endpoint(
    bp,
    _PIN,
    "PUT",
    summary="Pin a message (any member; idempotent)",
    tag="messages",
    responses={200: s.MessageEnvelope},
    errors=(401, 403, 404, 409, 429),
)
def pin_message(conversation_id: int, seq: int):
    return {"message": pins.set_pinned(ctx(), g.user_id, conversation_id, seq, True)}


@endpoint(
    bp,
    _PIN,
    "DELETE",
    summary="Unpin a message (any member; idempotent)",
    tag="messages",
    responses={200: s.MessageEnvelope},
    errors=(401, 403, 404, 429),
)
def unpin_message(conversation_id: int, seq: int):
    return {"message": pins.set_pinned(ctx(), g.user_id, conversation_id, seq, False)}


@endpoint(
    bp,
    "/conversations/<id:conversation_id>/pins",
    "GET",
    summary="The pinned messages, latest pin first",
    tag="messages",
    responses={200: s.PinList},
    errors=(401, 404),
)
def list_pins(conversation_id: int):
    return {"pins": pins.pinned(ctx(), g.user_id, conversation_id)}


@endpoint(
    bp,
    _MESSAGES + "/<id:seq>/hidden",
    "PUT",
    summary="Delete a message for me: hidden on all my devices, not for the others (idempotent)",
    tag="messages",
    responses={200: s.HiddenEnvelope},
    errors=(401, 404, 429),
)
def hide_message(conversation_id: int, seq: int):
    return {"hidden": hides.hide(ctx(), g.user_id, conversation_id, seq)}


@endpoint(
    bp,
    _MESSAGES + "/<id:seq>/forward",
    "POST",
    summary="Forward a message (text and files) to conversations of mine, as new messages marked forwarded",
    tag="messages",
    body=s.ForwardMessage,
    responses={201: s.ForwardedList, 200: s.ForwardedList},
    errors=(400, 401, 403, 404, 409, 429),
)
def forward_message(conversation_id: int, seq: int, body: s.ForwardMessage):
    targets = [(t.conversation_id, t.client_id) for t in body.to]
    made, created = forwards.forward(ctx(), g.user_id, conversation_id, seq, targets)
    return {"messages": made}, 201 if created else 200
