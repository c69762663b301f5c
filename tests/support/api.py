"""A small blocking client for tests and benchmarks: what a real client sends, over real HTTP."""

from __future__ import annotations

import uuid

import requests

PASSWORD = "correct horse battery"


def register(url: str, username: str, password: str = PASSWORD, **extra) -> dict:
    r = requests.post(
        f"{url}/api/v1/accounts", json={"username": username, "password": password, **extra}, timeout=10
    )
    r.raise_for_status()
    return r.json()["user"]


def login(url: str, username: str, password: str = PASSWORD, device_name: str = "tests") -> str:
    r = requests.post(
        f"{url}/api/v1/sessions",
        json={"username": username, "password": password, "device_name": device_name},
        timeout=10,
    )
    r.raise_for_status()
    return r.json()["token"]


class ApiClient:
    """One signed-in user against a live server."""

    def __init__(self, url: str, username: str, password: str = PASSWORD, *, register_first: bool = True):
        self.url = url
        self.username = username
        self.user = register(url, username, password) if register_first else None
        self.token = login(url, username, password)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {self.token}"
        if self.user is None:
            self.user = self.get("/me").json()["user"]
        self.id = self.user["id"]

    def get(self, path: str, **kw) -> requests.Response:
        return self.session.get(self.url + "/api/v1" + path, timeout=kw.pop("timeout", 10), **kw)

    def post(self, path: str, json=None, **kw) -> requests.Response:
        return self.session.post(self.url + "/api/v1" + path, json=json, timeout=kw.pop("timeout", 10), **kw)

    def patch(self, path: str, json=None, **kw) -> requests.Response:
        return self.session.patch(self.url + "/api/v1" + path, json=json, timeout=kw.pop("timeout", 10), **kw)

    def direct_with(self, other: ApiClient) -> int:
        r = self.post("/conversations", {"kind": "direct", "user_id": other.id})
        r.raise_for_status()
        return r.json()["conversation"]["id"]

    def send(self, conversation_id: int, text: str, client_id: str | None = None, **kw) -> requests.Response:
        return self.post(
            f"/conversations/{conversation_id}/messages",
            {"client_id": client_id or str(uuid.uuid4()), "text": text},
            **kw,
        )

    def messages_after(self, conversation_id: int, after_seq: int = 0) -> list[dict]:
        result: list[dict] = []
        while True:
            r = self.get(
                f"/conversations/{conversation_id}/messages", params={"after_seq": after_seq, "limit": 200}
            )
            r.raise_for_status()
            body = r.json()
            result += body["messages"]
            if not body["has_more"]:
                return result
            after_seq = result[-1]["seq"]
