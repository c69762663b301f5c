"""Request bodies and query strings as pydantic models: validation and the OpenAPI schemas in one place.

The response models at the bottom exist for the OpenAPI document (and the test that checks real answers
against it); routes build plain dicts, which is faster than going through pydantic on the hot path.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from server.files import MAX_ATTACHMENTS
from server.limits import MAX_GROUP_MEMBERS, MAX_MESSAGE_CHARS, SEARCH_HAS

_USERNAME = re.compile(r"[A-Za-z0-9_.-]{3,32}")
# C0 controls other than tab, newline and carriage return, plus DEL: never meaningful in chat text.
_FORBIDDEN_CONTROLS = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


def _username(value: str) -> str:
    if not _USERNAME.fullmatch(value):
        raise ValueError("must be 3–32 characters of letters, digits, '_', '.' or '-'")
    return value


def _is_blank(text: str) -> bool:
    return all(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in text)


# Characters that change how the text around them is shown without being seen themselves: bidi embeddings,
# overrides and isolates ("\u202eecilA" shows as "Alice"), direction marks, and line and paragraph
# separators that break a name over several lines. Zero-width joiners stay: emoji sequences need them.
_DISGUISING = {"\u061c", "\u200e", "\u200f", "\u2028", "\u2029"}
_DISGUISING |= {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}


def _display_text(max_chars: int):
    """Names and titles: trimmed, never empty, at most ``max_chars``, free of control characters and of
    characters that reorder or break the text (file names have them stripped, server/files/names.py)."""

    def validate(value: str) -> str:
        value = value.strip()
        if _is_blank(value):  # "" or only invisible characters (zero-width spaces, direction marks)
            raise ValueError("must not be empty")
        if len(value) > max_chars:
            raise ValueError(f"must be at most {max_chars} characters")
        if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
            raise ValueError("must not contain control characters or line breaks")
        if any(c in _DISGUISING for c in value):
            raise ValueError("must not contain text-direction characters (U+202A–U+202E, U+2066–U+2069 …)")
        return value

    return validate


def _message_text(value: str) -> str:
    if any(c in _FORBIDDEN_CONTROLS for c in value):
        raise ValueError("must not contain control characters other than tab and newline")
    if _is_blank(value):
        raise ValueError("must not be empty")
    return value


def _no_nul(value: str) -> str:
    """PostgreSQL text cannot hold NUL, and no name, password or query needs one."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Username = Annotated[str, Field(max_length=64), AfterValidator(_username)]
Password = Annotated[str, Field(min_length=8, max_length=1024), AfterValidator(_no_nul)]
DisplayName = Annotated[str, Field(max_length=256), AfterValidator(_display_text(64))]
Title = Annotated[str, Field(max_length=256), AfterValidator(_display_text(100))]
DeviceName = Annotated[str, Field(max_length=256), AfterValidator(_display_text(64))]
MessageText = Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_CHARS), AfterValidator(_message_text)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Seq = Annotated[int, Field(ge=0, le=2**63 - 1)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore")


# ---- accounts -------------------------------------------------------------------------------------------


class Register(Body):
    username: Username
    password: Password
    display_name: DisplayName | None = None


class Login(Body):
    # Not validated as a username: any string just fails to log in, with the same answer as a wrong password.
    username: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_no_nul)]
    password: Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(_no_nul)]
    device_name: DeviceName | None = None


class PartialUpdate(Body):
    """A body whose fields may each be left out to keep their value; ``null`` is no value (a client bug,
    refused with the field named)."""

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value):
        if value is None:
            raise ValueError("must not be null; leave the field out to keep it")
        return value


class UpdateMe(PartialUpdate):
    """A partial update: a field left out keeps its value; ``null`` is not a value (a client bug, refused)."""

    display_name: DisplayName | None = None
    visible: bool | None = None
    hide_last_seen: bool | None = None


def _email(value: str) -> str:
    """Exactly one plain address (RFC 5321 dot-atom, ASCII): nothing that a mail header would read as a
    second recipient ("a@b.c,victim"), a display name, a comment or a route."""
    value = value.strip()
    if not _EMAIL.fullmatch(value):
        raise ValueError("must be one email address like name@example.org")
    return value


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"(?=.{{1,64}}@){_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"
)
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
Code = Annotated[str, Field(min_length=1, max_length=32), AfterValidator(_no_nul)]


class SetEmail(Body):
    email: Email


class ConfirmEmail(Body):
    code: Code


class ChangePassword(Body):
    current_password: Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(_no_nul)]
    new_password: Password


class RequestReset(Body):
    login: Annotated[str, Field(min_length=1, max_length=254), AfterValidator(_no_nul)]


class ResetPassword(Body):
    login: Annotated[str, Field(min_length=1, max_length=254), AfterValidator(_no_nul)]
    code: Code
    new_password: Password


class Block(Body):
    hide_in_groups: bool = False


class DeleteMe(Body):
    password: Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(_no_nul)]


# ---- two-factor sign-in --------------------------------------------------------------------------------


def _totp_code(value: str) -> str:
    """Six ASCII digits; spaces (as apps show "123 456") are dropped."""
    value = "".join(value.split())
    if not re.fullmatch(r"[0-9]{6}", value):
        raise ValueError("must be the 6 digits your authenticator app shows")
    return value


def _recovery_code(value: str) -> str:
    """Ten letters and digits as shown ("abcde-fghij"); dashes, spaces and letter case do not matter."""
    value = value.strip().lower().replace("-", "").replace(" ", "")
    if not _RECOVERY_CODE.fullmatch(value):
        raise ValueError("must be one of your recovery codes, like abcde-fghij")
    return value


_RECOVERY_CODE = re.compile(r"[23456789abcdefghjkmnpqrstuvwxyz]{10}")
TotpCode = Annotated[str, Field(min_length=1, max_length=32), AfterValidator(_totp_code)]
RecoveryCode = Annotated[str, Field(min_length=1, max_length=32), AfterValidator(_recovery_code)]
CurrentPassword = Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(_no_nul)]


class _OneSecondFactor(Body):
    """Exactly one of ``code`` (from the authenticator app) and ``recovery_code``."""

    code: TotpCode | None = None
    recovery_code: RecoveryCode | None = None

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.code is None) == (self.recovery_code is None):
            raise ValueError("give exactly one of code and recovery_code")
        return self


class SignInCode(_OneSecondFactor):
    challenge: Annotated[str, Field(min_length=1, max_length=256), AfterValidator(_no_nul)]


class StartTwoFactor(Body):
    password: CurrentPassword


class EnableTwoFactor(Body):
    code: TotpCode


class DisableTwoFactor(_OneSecondFactor):
    password: CurrentPassword


class NewRecoveryCodes(Body):
    password: CurrentPassword


class UserSearch(Query):
    q: Annotated[str, Field(min_length=1, max_length=32), AfterValidator(_no_nul)]
    limit: Annotated[int, Field(ge=1, le=50)] = 20


# ---- conversations --------------------------------------------------------------------------------------


class CreateDirect(Body):
    kind: Literal["direct"]
    user_id: Id


class CreateGroup(Body):
    kind: Literal["group"]
    title: Title
    member_ids: Annotated[list[Id], Field(max_length=MAX_GROUP_MEMBERS)] = []


class CreateConversation(Body):
    """Either shape; the route picks by ``kind`` (documented as a oneOf)."""

    kind: Literal["direct", "group"]
    user_id: Id | None = None
    title: Title | None = None
    member_ids: Annotated[list[Id], Field(max_length=MAX_GROUP_MEMBERS)] | None = None


class ConversationPage(Query):
    cursor: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class UpdateConversation(Body):
    title: Title


class AddMembers(Body):
    user_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_GROUP_MEMBERS)]


class MarkRead(Body):
    seq: Seq


class UpdateMyState(PartialUpdate):
    """My own handling of a conversation; a field left out keeps its value, ``null`` is refused."""

    pinned: bool | None = None
    muted: bool | None = None
    marked_unread: bool | None = None
    hidden: bool | None = None
    mentions_when_muted: bool | None = None

    def changes(self) -> dict[str, bool]:
        return self.model_dump(exclude_unset=True)


# ---- messages -------------------------------------------------------------------------------------------


def _file_id(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{32}", value):
        raise ValueError("must be a file id as POST /files returned it")
    return value


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not name a file twice")
    return values


FileId = Annotated[str, Field(max_length=64), AfterValidator(_file_id)]


class SendMessage(Body):
    """``text`` may be left out when ``file_ids`` names at least one file (the route checks)."""

    client_id: uuid.UUID
    text: MessageText | None = None
    # A factory, not ``= []``: pydantic deep-copies a mutable default on every send (≈1.4 µs of 5.5).
    file_ids: Annotated[
        list[FileId],
        Field(max_length=MAX_ATTACHMENTS, default_factory=list, json_schema_extra={"default": []}),
        AfterValidator(_distinct),
    ]
    reply_to_seq: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None


class ForwardTarget(Body):
    conversation_id: Annotated[int, Field(ge=1, le=2**63 - 1)]
    client_id: uuid.UUID  # of the new message there: a retry of the forward answers the stored one


def _distinct_targets(targets: list[ForwardTarget]) -> list[ForwardTarget]:
    if len({t.conversation_id for t in targets}) != len(targets):
        raise ValueError("must not name a conversation twice")
    if len({t.client_id for t in targets}) != len(targets):
        raise ValueError("must give each conversation its own client_id")
    return targets


class ForwardMessage(Body):
    """The conversations to forward to (at most CHATIDK_FORWARD_TARGETS, checked by the service)."""

    to: Annotated[list[ForwardTarget], Field(min_length=1, max_length=100), AfterValidator(_distinct_targets)]


class EditMessage(Body):
    text: MessageText


class ChangesQuery(Query):
    after: Seq
    after_seq: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None  # a previous page's next_seq
    limit: Annotated[int, Field(ge=1, le=500)] = 200


class MessagePage(Query):
    after_seq: Seq | None = None
    before_seq: Seq | None = None
    around: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class MessageSearch(Query):
    """GET /search: words, filters, and the cursor of the page before (docs/protocol.md, "Search")."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    q: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_no_nul)] | None = None
    conversation_id: Id | None = None
    sender: Annotated[Id | None, Field(alias="from")] = None
    has: (
        Annotated[str, Field(max_length=100, description="comma-separated: file, image, video, link")] | None
    ) = None
    before: AwareDatetime | None = None
    after: AwareDatetime | None = None
    cursor: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[1-9][0-9]{0,18}$")] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20

    @field_validator("has")
    @classmethod
    def _known_filters(cls, value: str | None) -> str | None:
        if value is not None:
            unknown = [name for name in value.split(",") if name not in SEARCH_HAS]
            if unknown:
                raise ValueError(f"must be a comma-separated list of {', '.join(SEARCH_HAS)}")
        return value

    @model_validator(mode="after")
    def _something_to_find(self) -> MessageSearch:
        if self.q is None and self.sender is None and self.has is None:
            raise ValueError("q: is required unless from or has is given")
        if self.before is not None and self.after is not None and self.before <= self.after:
            raise ValueError("before: must be later than after")
        return self

    def has_filters(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.has.split(","))) if self.has else ()


# ---- files ----------------------------------------------------------------------------------------------


class UploadQuery(Query):
    """An upload's body is the file's bytes; its name comes in the query string (the server cleans it)."""

    name: Annotated[str, Field(max_length=1024)] | None = None


class AvatarQuery(Query):
    size: Literal["small", "large"] = "small"


# ---- responses (documentation) --------------------------------------------------------------------------


class User(BaseModel):
    id: int
    username: str | None
    display_name: str
    deleted: bool
    avatar: int | None


class Thumbnail(BaseModel):
    width: int
    height: int


class File(BaseModel):
    id: str
    name: str
    size: int
    content_type: str
    sha256: str
    width: int | None
    height: int | None
    duration_ms: int | None
    thumbnail: Thumbnail | None
    uploader_id: int
    created_at: str


class Me(User):
    visible: bool
    created_at: str
    email: str | None
    email_confirmed: bool
    hide_last_seen: bool


class ReplyTo(BaseModel):
    """The quote of the message replied to, as it is now: no snippet once it is deleted."""

    seq: int
    sender_id: int
    snippet: str | None
    deleted: bool


class Reaction(BaseModel):
    emoji: str
    count: int
    user_ids: list[int]  # the first three to react with it


class ForwardedFrom(BaseModel):
    sender_id: int | None  # the original's sender, null when not visible to this conversation


class Message(BaseModel):
    id: int
    conversation_id: int
    seq: int
    sender_id: int
    client_id: str
    text: str | None
    created_at: str
    edited_at: str | None
    deleted: bool
    attachments: list[File]
    version: int
    reply_to: ReplyTo | None
    reactions: list[Reaction]
    pinned_at: str | None  # null: not pinned
    pinned_by: int | None
    mentions: list[int]
    forwarded_from: ForwardedFrom | None


class Member(BaseModel):
    user: User
    role: Literal["owner", "member"]
    last_read_seq: int


class MemberState(BaseModel):
    pinned_at: str | None
    muted: bool
    marked_unread: bool
    hidden_through_seq: int | None
    mentions_when_muted: bool


class MemberStateEnvelope(BaseModel):
    me: MemberState


class Conversation(BaseModel):
    id: int
    kind: Literal["direct", "group"]
    title: str | None
    created_at: str
    members: list[Member]
    last_seq: int
    # The latest change version of its messages: where a client that loads its history starts the stream.
    change_version: int
    last_read_seq: int
    unread_count: int
    unread_mentions: int  # unread messages that mention me: the "@" badge
    last_message: Message | None
    last_activity_at: str
    me: MemberState


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    retry_after: int | None = None


class Error(BaseModel):
    error: ErrorDetail


class UserEnvelope(BaseModel):
    user: User


class MeEnvelope(BaseModel):
    user: Me


class SessionCreated(BaseModel):
    token: str
    session_id: int
    user: Me


class TwoFactorChallenge(BaseModel):
    """A right password while two-factor sign-in is on: send the challenge with a code to
    ``POST /sessions/two-factor`` before ``expires_at``."""

    two_factor_required: Literal[True]
    challenge: str
    expires_at: str
    methods: list[Literal["totp", "recovery_code"]]


class TwoFactorStatus(BaseModel):
    enabled: bool
    enabled_at: str | None
    pending: bool
    recovery_codes_left: int


class TwoFactorEnrolment(BaseModel):
    """Shown once: the client renders ``otpauth_uri`` as a QR code and ``secret`` as text."""

    secret: str
    otpauth_uri: str
    algorithm: Literal["SHA1"]
    digits: int
    period: int


class RecoveryCodes(BaseModel):
    """Shown once; stored only hashed."""

    recovery_codes: list[str]


class UserList(BaseModel):
    users: list[User]


class ConversationEnvelope(BaseModel):
    conversation: Conversation


class ConversationList(BaseModel):
    conversations: list[Conversation]
    next: str | None


class MessageEnvelope(BaseModel):
    message: Message


class MessageList(BaseModel):
    """``has_more``: more messages beyond these in the paging direction (``around``: before the first);
    ``has_more_after``: only with ``around``, more after the last."""

    messages: list[Message]
    has_more: bool
    has_more_after: bool | None = None
    my_reactions: dict[str, list[str]] | None = None  # by seq: the caller's own, left out when none


class HiddenMessage(BaseModel):
    """A message I deleted for me (on another device): drop it; it never comes back."""

    seq: int
    version: int


class ChangeList(BaseModel):
    """Messages changed after ``after``, each once as it is now, and the ones I hid; ``next`` (and
    ``next_seq`` when not null): the ``after`` (and ``after_seq``) of the next call."""

    changes: list[Message]
    hidden: list[HiddenMessage]
    next: int
    next_seq: int | None
    has_more: bool
    my_reactions: dict[str, list[str]] | None = None  # by seq: the caller's own, left out when none


class ForwardedList(BaseModel):
    messages: list[Message]  # the new messages, in the order of ``to``


class PinList(BaseModel):
    pins: list[Message]


class HiddenMessageOf(BaseModel):
    conversation_id: int
    seq: int
    version: int  # the change version the hide took


class HiddenEnvelope(BaseModel):
    hidden: HiddenMessageOf


class ReactionAnswer(BaseModel):
    message: Message
    my_reactions: list[str]  # the caller's own reactions on it


class SearchResult(BaseModel):
    message: Message
    conversation_id: int
    # [start, end) in code points of message.text, sorted, not overlapping
    highlights: list[Annotated[list[int], Field(min_length=2, max_length=2)]]


class SearchResults(BaseModel):
    results: list[SearchResult]
    next_cursor: str | None


class FileEnvelope(BaseModel):
    file: File


class ReadPosition(BaseModel):
    last_read_seq: int
    unread_count: int


class Session(BaseModel):
    id: int
    device_name: str
    client_address: str | None
    created_at: str
    last_used_at: str
    expires_at: str
    current: bool
    second_factor: Literal["totp", "recovery_code"] | None


class SessionList(BaseModel):
    sessions: list[Session]


class Revoked(BaseModel):
    revoked: int


class Accepted(BaseModel):
    status: str


class BlockEntry(BaseModel):
    user: User
    hide_in_groups: bool
    blocked_at: str | None = None


class BlockList(BaseModel):
    blocks: list[BlockEntry]


class Presence(BaseModel):
    user_id: int
    state: Literal["online", "away", "offline"]
    last_seen: str | None


class PresenceList(BaseModel):
    presence: list[Presence]


class Health(BaseModel):
    status: str
    database: str


# ---- limits ---------------------------------------------------------------------------------------------


class Limits(BaseModel):
    """What a client checks before it sends, so nothing is refused after an upload or a wait.

    Characters are Unicode code points (Python's ``len``, not UTF-16 units); bytes are bytes.
    """

    max_message_chars: int  # text of a message or an edit
    max_upload_bytes: int  # one file (POST /files)
    max_files_per_message: int
    user_quota_bytes: int | None  # all of one user's stored uploads; null: no quota
    max_group_members: int
    send_burst: int  # messages one user may send at once; 0: no limit
    send_rate: float  # ... and per second sustained, beyond the burst
