"""Routes for conversations, members and read positions."""

from __future__ import annotations

from flask import g

from server.api import schemas as s
from server.api.context import ctx
from server.api.routing import blueprint, endpoint
from server.errors import InvalidField
from server.services import conversations

bp = blueprint("conversations", __name__)


@endpoint(
    bp,
    "/conversations",
    "POST",
    summary="Open a 1:1 (returns the existing one) or create a group",
    tag="conversations",
    body=s.CreateConversation,
    responses={201: s.ConversationEnvelope, 200: s.ConversationEnvelope},
    errors=(400, 401, 404, 429),
)
def create_conversation(body: s.CreateConversation):
    if body.kind == "direct":
        if body.user_id is None:
            raise InvalidField("user_id: is required", field="user_id")
        for name in ("title", "member_ids"):
            if getattr(body, name) is not None:
                raise InvalidField(f"{name}: a 1:1 conversation takes only user_id", field=name)
        conversation, created = conversations.open_direct(ctx(), g.user_id, body.user_id)
        return {"conversation": conversation}, 201 if created else 200
    if body.title is None:
        raise InvalidField("title: is required", field="title")
    if body.user_id is not None:
        raise InvalidField("user_id: a group takes member_ids, not user_id", field="user_id")
    conversation = conversations.create_group(ctx(), g.user_id, body.title, body.member_ids or [])
    return {"conversation": conversation}, 201


@endpoint(
    bp,
    "/conversations",
    "GET",
    summary="A page of my conversations, most recent activity first; next is the cursor of the next page",
    tag="conversations",
    query=s.ConversationPage,
    responses={200: s.ConversationList},
    errors=(400, 401),
)
def list_conversations(query: s.ConversationPage):
    page, following = conversations.page_mine(ctx(), g.user_id, query.cursor, query.limit)
    return {"conversations": page, "next": following}


@endpoint(
    bp,
    "/conversations/<id:conversation_id>",
    "GET",
    summary="One of my conversations",
    tag="conversations",
    responses={200: s.ConversationEnvelope},
    errors=(401, 404),
)
def get_conversation(conversation_id: int):
    return {"conversation": conversations.get(ctx(), g.user_id, conversation_id)}


@endpoint(
    bp,
    "/conversations/<id:conversation_id>",
    "PATCH",
    summary="Rename a group",
    tag="conversations",
    body=s.UpdateConversation,
    responses={200: s.ConversationEnvelope},
    errors=(400, 401, 404, 409),
)
def rename_conversation(conversation_id: int, body: s.UpdateConversation):
    return {"conversation": conversations.rename(ctx(), g.user_id, conversation_id, body.title)}


@endpoint(
    bp,
    "/conversations/<id:conversation_id>/members",
    "POST",
    summary="Add people to a group",
    tag="conversations",
    body=s.AddMembers,
    responses={200: s.ConversationEnvelope},
    errors=(400, 401, 404, 409),
)
def add_members(conversation_id: int, body: s.AddMembers):
    return {"conversation": conversations.add_members(ctx(), g.user_id, conversation_id, body.user_ids)}


@endpoint(
    bp,
    "/conversations/<id:conversation_id>/members/<id:user_id>",
    "DELETE",
    summary="Leave a group, or remove a member (owner only)",
    tag="conversations",
    responses={204: None},
    errors=(401, 403, 404, 409),
)
def remove_member(conversation_id: int, user_id: int):
    conversations.remove_member(ctx(), g.user_id, conversation_id, user_id)
    return "", 204


@endpoint(
    bp,
    "/conversations/<id:conversation_id>/read",
    "POST",
    summary="Move my read position forward",
    tag="conversations",
    body=s.MarkRead,
    responses={200: s.ReadPosition},
    errors=(400, 401, 404),
)
def mark_read(conversation_id: int, body: s.MarkRead):
    return conversations.mark_read(ctx(), g.user_id, conversation_id, body.seq)


@endpoint(
    bp,
    "/conversations/<id:conversation_id>/me",
    "PATCH",
    summary="Pin, mute, mark unread or delete for me (hide until a new message) one of my conversations",
    tag="conversations",
    body=s.UpdateMyState,
    responses={200: s.MemberStateEnvelope},
    errors=(400, 401, 404),
)
def update_my_state(conversation_id: int, body: s.UpdateMyState):
    changes = body.changes()
    if not changes:
        raise InvalidField("give at least one of pinned, muted, marked_unread, hidden, mentions_when_muted")
    return {"me": conversations.update_my_state(ctx(), g.user_id, conversation_id, changes)}
