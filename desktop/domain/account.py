"""The signed-in account: which server, which token, who (several will sign in side by side)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Account:
    """``remembered``: the token is kept for the next start ("Keep me signed in")."""

    server_url: str
    token: str
    user: dict
    remembered: bool = True

    @property
    def user_id(self) -> int:
        return int(self.user["id"])

    def to_credentials(self) -> dict:
        return {"token": self.token, "user": self.user}
