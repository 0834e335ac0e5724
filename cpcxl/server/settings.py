"""Settings of ``cpcxl serve`` that are cpcxl's own: where it listens and what it accepts.

xlwings Server's own settings (namespace, authentication, CORS, manifest) live in
``addin/pyproject.toml`` and ``XLWINGS_*`` environment variables, as its documentation says.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from pydantic import BaseModel, Field

from cpcxl.common.errors import CpcxlError

#: xlwings Server's placeholder token; a provider that accepts it checks nothing.
PLACEHOLDER = "test-token"
#: Request bodies above this are refused (a workbook payload is the largest request).
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
#: Function calls with bodies this large (about 2,000 cells), and every button, are handled
#: on a second event loop (``cpcxl.server.offload``); 0 handles every request on the first.
DEFAULT_LARGE_BODY_BYTES = 16 * 1024


class ServerRefused(CpcxlError):
    """The server will not start with these settings; says what would be valid."""

    def __init__(self, message: str, *, valid: str | None = None) -> None:
        super().__init__(f"{message}; valid: {valid}" if valid else message)
        self.valid = valid


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, ge=1024)
    large_body_bytes: int = Field(DEFAULT_LARGE_BODY_BYTES, ge=0)
    project_dir: Path | None = None

    @classmethod
    def from_environment(cls, **overrides: object) -> ServerSettings:
        """Defaults, then ``CPCXL_SERVER_*`` variables, then explicit overrides."""
        values: dict[str, object] = {}
        if limit := os.environ.get("CPCXL_SERVER_MAX_BODY_BYTES"):
            values["max_body_bytes"] = int(limit)
        if large := os.environ.get("CPCXL_SERVER_LARGE_BODY_BYTES"):
            values["large_body_bytes"] = int(large)
        if folder := os.environ.get("CPCXL_ADDIN_DIR"):
            values["project_dir"] = Path(folder)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def addin_dir(self) -> Path:
        return self.project_dir or find_addin_dir()


def find_addin_dir() -> Path:
    """The ``addin/`` folder: inside an installed wheel, or beside ``cpcxl/`` in a checkout."""
    here = Path(__file__).resolve()
    for candidate in (here.parent / "addin", here.parents[2] / "addin"):
        if (candidate / "custom_functions" / "__init__.py").is_file():
            return candidate
    raise ServerRefused(
        "cannot find the add-in folder (addin/ with custom_functions and custom_scripts)",
        valid="--project-dir PATH or CPCXL_ADDIN_DIR pointing at the addin folder",
    )


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name could resolve anywhere


def check_bind(host: str, auth_providers: list[str] | None) -> None:
    """Refuse to listen beyond this machine unless users must sign in (the providers are
    checked to be real ones by :func:`check_sign_in` before this)."""
    if is_loopback(host) or auth_providers:
        return
    raise ServerRefused(
        f"refusing to listen on {host}: only this machine could be trusted without sign-in, "
        "and no authentication is configured",
        valid="--host 127.0.0.1 (behind a reverse proxy), or set XLWINGS_AUTH_PROVIDERS "
        '(e.g. ["entraid"] with XLWINGS_AUTH_ENTRAID_CLIENT_ID and _TENANT_ID)',
    )


#: What to configure, said whenever sign-in is refused.
SIGN_IN = (
    "XLWINGS_AUTH_PROVIDERS='[\"entraid\"]' with XLWINGS_AUTH_ENTRAID_CLIENT_ID and "
    'XLWINGS_AUTH_ENTRAID_TENANT_ID, or ["custom"] with your organisation\'s own token check '
    "in auth/custom/__init__.py of the add-in folder"
)


def check_entraid(
    auth_providers: list[str] | None, client_id: str | None, tenant: str | None
) -> None:
    """Entra ID sign-in needs its app registration's ids, or every request would fail."""
    if auth_providers and "entraid" in auth_providers and not (client_id and tenant):
        raise ServerRefused(
            "Entra ID sign-in is configured without its app registration",
            valid="XLWINGS_AUTH_ENTRAID_CLIENT_ID and XLWINGS_AUTH_ENTRAID_TENANT_ID",
        )


def check_sign_in(
    auth_providers: list[str] | None,
    client_id: str | None,
    tenant: str | None,
    addin_dir: Path,
) -> None:
    """Accept only sign-in that really checks a token: Entra ID with its ids, or a custom
    provider the organisation wrote in the add-in folder. xlwings Server's own custom
    provider is a placeholder that accepts the literal token 'test-token'."""
    for provider in auth_providers or []:
        if provider == "entraid":
            check_entraid([provider], client_id, tenant)
        elif provider == "custom":
            own = addin_dir / "auth" / "custom" / "__init__.py"
            if not own.is_file():
                raise ServerRefused(
                    "the custom sign-in provider is xlwings Server's placeholder, which "
                    "accepts the token 'test-token'",
                    valid=SIGN_IN,
                )
            code = own.read_text(errors="replace")
            if "def validate_token" not in code or PLACEHOLDER in code:
                raise ServerRefused(
                    f"{own} does not check tokens (it must define validate_token, and not "
                    "accept the placeholder 'test-token')",
                    valid=SIGN_IN,
                )
        else:
            raise ServerRefused(
                f"{provider!r} is not a sign-in provider cpcxl can check", valid=SIGN_IN
            )


def check_licence() -> None:
    """xlwings Server's PRO parts need a licence key; say which, before anything fails."""
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        raise ServerRefused(
            "xlwings Server needs XLWINGS_LICENSE_KEY",
            valid="'noncommercial' under the PolyForm Noncommercial licence (which covers "
            "government institutions), or your organisation's commercial key",
        )
