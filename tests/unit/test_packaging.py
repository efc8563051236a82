import re
import tomllib

from tests.support import ROOT


def test_deployed_requirements_match_the_project_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    deployed = [
        line.strip()
        for line in (ROOT / "functions" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert sorted(deployed) == sorted(project)
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", pin) for pin in deployed)


def test_every_package_of_vtchat_is_installed() -> None:
    """setuptools installs only the packages pyproject names: a new one left out
    imports from the work tree but is missing from an installed copy."""
    named = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    source = ROOT / "functions"
    found = [
        ".".join(init.parent.relative_to(source).parts)
        for init in (source / "vtchat").rglob("__init__.py")
    ]
    assert sorted(found) == sorted(named)
