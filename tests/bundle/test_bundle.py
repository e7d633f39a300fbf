"""The desktop bundle builds from build.spec and its smoke run passes (offscreen, and in a real X window when
there is a display). Slow (about a minute to build), but run in CI: a bundle that does not start is a release
that does not work."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def folder_size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def build(work: Path, *, onefile: bool = False) -> Path:
    """Build build.spec into `work`; the dist folder."""
    pyinstaller = shutil.which("pyinstaller") or str(Path(sys.executable).with_name("pyinstaller"))
    if not Path(pyinstaller).exists():
        pytest.skip("PyInstaller is not installed")
    env = {**os.environ, "BOT_DESIGNER_ONEFILE": "1" if onefile else "0"}
    result = subprocess.run(
        [pyinstaller, "--noconfirm", "--log-level", "WARN", "--distpath", str(work / "dist"), "--workpath",
         str(work / "build"), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=1200, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    return work / "dist"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, artifacts_dir) -> Path:
    folder = build(tmp_path_factory.mktemp("bundle")) / "bot-designer"
    report = f"desktop bundle: {folder_size_mb(folder):.0f} MB (one folder, {sum(1 for _ in folder.rglob('*'))} files)"
    (artifacts_dir / "bundle-size.txt").write_text(report + "\n")  # tests/conftest.py repeats it in the summary
    return folder


def smoke(bundle: Path, platform: str, executable: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": platform, "HOME": str(bundle.parent / "home")}
    return subprocess.run([str(executable or bundle / "bot-designer"), "gui", "--smoke"], capture_output=True,
                          text=True, env=env, timeout=300)


def test_bundle_smoke_offscreen(bundle):
    result = smoke(bundle, "offscreen")
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    assert "smoke: ok" in result.stdout


@pytest.mark.xvfb
def test_bundle_smoke_in_a_real_x_window(bundle):
    if not os.environ.get("DISPLAY"):
        pytest.skip("no X display (the test script runs the suite under xvfb-run)")
    result = smoke(bundle, "xcb")
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]


def test_bundle_cli_validates(bundle):
    result = subprocess.run([str(bundle / "bot-designer"), "validate", str(ROOT / "packages" / "aws-lambda-bot.json")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and ": ok (" in result.stdout


def test_bundle_keeps_out_host_gui_toolkits(bundle):
    libs = {p.name for p in (bundle / "_internal").iterdir()}
    assert not [name for name in libs if name.startswith(("libgtk-", "libgdk-", "libcairo", "libpango"))]
    assert (bundle / "_internal" / "resources" / "catalogue" / "actions.json").exists()
    assert (bundle / "_internal" / "packages" / "functions" / "CerbDnsLookup" / "function.json").exists()


def test_the_one_file_executable_builds_and_its_smoke_passes(tmp_path_factory, artifacts_dir):
    """`BOT_DESIGNER_ONEFILE=1 pyinstaller build.spec`: one executable that unpacks itself at start, with the
    local Lambda service's workers started from it too."""
    dist = build(tmp_path_factory.mktemp("onefile"), onefile=True)
    executable = dist / "bot-designer"
    assert executable.is_file() and os.access(executable, os.X_OK)
    size = f"one-file executable: {executable.stat().st_size / 2**20:.0f} MB"
    (artifacts_dir / "onefile-size.txt").write_text(size + "\n")  # tests/conftest.py repeats it in the summary
    result = smoke(dist, "offscreen", executable)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    assert "smoke: ok" in result.stdout and "answered by the local service" in result.stdout
