"""Routes for files and profile pictures: streamed upload, ranged download, server-made previews.

Every file answer carries ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy: sandbox``; only
media on the inline allowlist is served ``inline``, everything else (HTML, SVG, PDF, text, archives…) as an
``attachment``, and scriptable types go out as ``application/octet-stream`` whatever they are.
"""

from __future__ import annotations

from pathlib import Path

from flask import g, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable, RequestEntityTooLarge
from werkzeug.routing import BaseConverter

from server.api import schemas as s
from server.api.context import ctx
from server.api.routing import blueprint, endpoint
from server.errors import error_response
from server.files.sniff import served_type
from server.services import accounts, avatars, file_access, uploads
from server.services.upload_body import OverLimit

bp = blueprint("files", __name__)


class FileIdConverter(BaseConverter):
    """File ids in paths: 32 lower-case hex digits; anything else matches no route (the same 404)."""

    regex = r"[0-9a-f]{32}"


_SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Should a browser ever render a file anyway, it gets no script, no plugins, no same-origin access.
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
}


class _Body:
    """The request body for the upload services: werkzeug's own guard on a body without Content-Length
    (``request.max_content_length``) is reported as :class:`OverLimit`, so the services need no werkzeug."""

    def read(self, size: int = -1, /) -> bytes:
        try:
            return request.stream.read(size)
        except RequestEntityTooLarge:
            raise OverLimit() from None


def _serve(path: Path, content_type: str, *, inline: bool, name: str, etag: str, last_modified=None):
    """The file with conditional GET and Range (206, 416) and the safety headers, also on errors."""
    try:
        response = send_file(
            path,
            mimetype=served_type(content_type),
            as_attachment=not inline,
            download_name=name,
            conditional=True,
            etag=etag,
            last_modified=last_modified,
            max_age=None,
        )
    except RequestedRangeNotSatisfiable as exc:
        response = error_response(
            416,
            "range_not_satisfiable",
            "the requested range is outside the file",
            {"Content-Range": f"bytes */{exc.length}"} if exc.length is not None else {},
        )
    # Immutable bytes, but who may read them can change: a client revalidates (a cheap 304) every time.
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.headers.update(_SAFE_HEADERS)
    return response


@endpoint(
    bp,
    "/files",
    "POST",
    summary="Upload a file: the body is its bytes, ?name= its name; returns the File to attach",
    tag="files",
    query=s.UploadQuery,
    responses={201: s.FileEnvelope},
    errors=(400, 401, 413),
)
def upload_file(query: s.UploadQuery):
    app = ctx()
    # The app-wide 1 MiB limit is for JSON; uploads stream to disk under their own limit, enforced while
    # reading (werkzeug also stops a body without Content-Length at this length).
    request.max_content_length = app.config.max_upload_bytes

    file = uploads.upload(app, g.user_id, query.name, _Body, request.content_length)
    return {"file": file}, 201


@endpoint(
    bp,
    "/files/<file_id:file_id>",
    "GET",
    summary="Download a file (Range supported); only its uploader and members of a conversation showing it",
    tag="files",
    responses={200: None, 206: None},
    errors=(401, 404, 416),
)
def download_file(file_id: str):
    app = ctx()
    row, path = file_access.open_file(app, g.user_id, file_id)
    return _serve(
        path,
        row["content_type"],
        inline=file_access.shown_inline(app, row),
        name=row["name"],
        etag=bytes(row["sha256"]).hex(),
        last_modified=row["created_at"],
    )


@endpoint(
    bp,
    "/files/<file_id:file_id>/thumbnail",
    "GET",
    summary="The server-made preview of an image, or the poster frame of a video",
    tag="files",
    responses={200: None},
    errors=(401, 404),
)
def file_thumbnail(file_id: str):
    row, path = file_access.open_thumbnail(ctx(), g.user_id, file_id)
    return _serve(
        path,
        row["thumbnail_type"],
        inline=True,
        name=f"preview.{'png' if row['thumbnail_type'] == 'image/png' else 'jpg'}",
        etag=f"thumb-{bytes(row['sha256']).hex()}",
        last_modified=row["created_at"],
    )


@endpoint(
    bp,
    "/files/<file_id:file_id>",
    "DELETE",
    summary="Take back an upload that was not sent in a message",
    tag="files",
    responses={204: None},
    errors=(401, 403, 404, 409),
)
def delete_file(file_id: str):
    uploads.delete_upload(ctx(), g.user_id, file_id)
    return "", 204


# ---- profile pictures ----------------------------------------------------------------------------------


@endpoint(
    bp,
    "/me/avatar",
    "PUT",
    summary="Set my profile picture: the body is an image, cropped to a square by the server",
    tag="files",
    responses={200: s.MeEnvelope},
    errors=(400, 401, 413, 415),
)
def set_avatar():
    app = ctx()
    request.max_content_length = avatars.MAX_AVATAR_BYTES
    avatars.set_avatar(app, g.user_id, _Body, request.content_length)
    return {"user": accounts.get_me(app, g.user_id)}


@endpoint(
    bp,
    "/me/avatar",
    "DELETE",
    summary="Remove my profile picture",
    tag="files",
    responses={200: s.MeEnvelope},
    errors=(401,),
)
def clear_avatar():
    app = ctx()
    avatars.clear_avatar(app, g.user_id)
    return {"user": accounts.get_me(app, g.user_id)}


@endpoint(
    bp,
    "/users/<id:user_id>/avatar",
    "GET",
    summary="A person's profile picture (small: 128 px, large: 512 px), for those who can see them",
    tag="files",
    query=s.AvatarQuery,
    responses={200: None},
    errors=(400, 401, 404),
)
def get_avatar(user_id: int, query: s.AvatarQuery):
    version, path = avatars.open_avatar(ctx(), g.user_id, user_id, query.size)
    return _serve(
        path,
        "image/jpeg",
        inline=True,
        name=f"avatar-{user_id}-{query.size}.jpg",
        etag=f"{version}-{query.size}",
    )
