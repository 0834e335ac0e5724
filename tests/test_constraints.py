"""constraints.txt pins every package `make test` and `make demo` install (the Makefile), so
a fresh machine gets the releases the tests passed with. A dependency added to pyproject.toml
without `make lock` would be installed at whatever release is newest that day: refused here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _pins(path: Path = ROOT / "constraints.txt") -> dict[str, Version]:
    """Each package's pinned release; a line that pins nothing exactly is refused."""
    pins: dict[str, Version] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        # pip freeze's form, one exact release a line: no ranges, no URLs
        found = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if found is None:
            raise ValueError(f"{path.name} line {number}: {line!r} is not NAME==VERSION")
        pins[canonicalize_name(found[1])] = Version(found[2])
    return pins


def _requirements() -> list[Requirement]:
    """What pyproject.toml asks for: the dependencies, every extra's, and the build's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = list(project["project"]["dependencies"])
    for extra in project["project"].get("optional-dependencies", {}).values():
        wanted += [r for r in extra if not r.startswith("cpcxl")]  # cpcxl[server]: itself
    wanted += project["build-system"]["requires"]
    return [Requirement(r) for r in wanted]


def test_every_requirement_is_pinned_at_a_release_it_allows() -> None:
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in constraints.txt: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {requirement.name} {pins[name]}, which pyproject.toml's "
            f"{requirement} does not allow: run make lock"
        )


@pytest.mark.parametrize("line", ["pandas>=2.2", "numpy", "xlwings == 0.37.8", "-e ."])
def test_a_line_that_pins_no_one_release_is_refused(tmp_path: Path, line: str) -> None:
    path = tmp_path / "constraints.txt"
    path.write_text(f"# a comment\npydantic_core==2.50.5\n{line}\n")
    with pytest.raises(ValueError, match="line 3"):
        _pins(path)


def test_a_pin_is_read_by_its_normalised_name(tmp_path: Path) -> None:
    path = tmp_path / "constraints.txt"
    path.write_text("pydantic_core==2.50.5\nXlsxWriter==3.3.1\n")
    assert _pins(path) == {"pydantic-core": Version("2.50.5"), "xlsxwriter": Version("3.3.1")}
