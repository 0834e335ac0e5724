"""LibreOffice headless: PDF copies of reports, and recalculation of built workbooks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import CpcxlError
from .files import atomic_path


class SofficeMissing(CpcxlError):
    """LibreOffice is needed for this and is not installed."""


def soffice_hint(component: str = "calc") -> str:
    """Where to get LibreOffice on this machine's platform (``component``: the part needed,
    "calc" for workbooks or "writer" for Word documents, which Debian packages apart)."""
    if sys.platform.startswith("win") or sys.platform == "darwin":
        return "install LibreOffice from libreoffice.org, then run the command again"
    return f"install LibreOffice (on Debian or Ubuntu: apt install libreoffice-{component}-nogui)"


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    to: str = "pdf",
    timeout: float = 120,
) -> Path:
    """Convert ``source`` with LibreOffice headless and write ``target`` atomically.

    Each call uses its own throwaway LibreOffice profile, so parallel conversions do not
    fight over one profile's lock.
    """
    soffice = find_soffice()
    if soffice is None:
        raise SofficeMissing(f"LibreOffice is not installed: {soffice_hint()}")
    source, target = Path(source), Path(target)
    with tempfile.TemporaryDirectory(prefix="cpcxl-soffice-") as work:
        profile = Path(work, "profile").as_uri()
        outdir = Path(work, "out")
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(source),
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        produced = outdir / f"{source.stem}.{to.split(':')[0]}"
        if result.returncode != 0 or not produced.exists():
            raise CpcxlError(
                f"LibreOffice could not convert {source.name} to {to}: "
                f"{(result.stderr or result.stdout).strip() or 'no output'}"
            )
        with atomic_path(target) as tmp:
            shutil.copyfile(produced, tmp)
    return target


def recalculate(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """A copy of an .xlsx with every formula calculated by LibreOffice."""
    return convert(source, target, to="xlsx")
