"""How the browser's camera connects: no relay server on this computer, or the one you name.

Served on localhost (the default) the browser and the app talk directly and need no
server. To open the app from other machines, name a STUN/TURN server either in the
environment variable FORMCHECK_ICE_SERVERS (JSON) or in `.streamlit/secrets.toml`:

    FORMCHECK_ICE_SERVERS='[{"urls": ["stun:stun.example.org:3478"]}]'

    # .streamlit/secrets.toml
    [[ice_servers]]
    urls = ["turn:turn.example.org:3478"]
    username = "me"
    credential = "secret"
"""
from __future__ import annotations

import json
import os
from typing import Any, Mapping

from formcheck.errors import FormcheckError

ENV_VAR = "FORMCHECK_ICE_SERVERS"
SECRET_KEY = "ice_servers"


def _validate(servers: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(servers, Mapping) and "iceServers" in servers:
        servers = servers["iceServers"]
    if isinstance(servers, Mapping):
        servers = [servers]
    if not isinstance(servers, list):
        raise FormcheckError(f"{where} must be a list of servers like [{{\"urls\": [\"stun:host:3478\"]}}]")
    out = []
    for s in servers:
        if not isinstance(s, Mapping) or not s.get("urls"):
            raise FormcheckError(f"{where}: every server needs \"urls\", e.g. {{\"urls\": [\"stun:host:3478\"]}}")
        out.append({k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in dict(s).items()})
    return out


def ice_servers(environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
                ) -> list[dict[str, Any]]:
    """The ICE servers to use: the environment variable first, then the secret, else none."""
    environ = os.environ if environ is None else environ
    raw = environ.get(ENV_VAR, "").strip()
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError as exc:
            raise FormcheckError(f"{ENV_VAR} is not valid JSON ({exc.msg} at character {exc.pos})") from None
        return _validate(parsed, ENV_VAR)
    if secrets is not None:
        try:
            value = secrets.get(SECRET_KEY) if hasattr(secrets, "get") else None
        except Exception:  # no secrets file at all
            value = None
        if value:
            return _validate(_plain(value), f"the '{SECRET_KEY}' secret")
    return []


def _plain(value: Any) -> Any:
    """Streamlit's secrets are read-only mappings; make plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
