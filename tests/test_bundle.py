"""The offline install bundle's launchers and helpers (scripts/make_bundle.py, scripts/bundle_files.py).

The .sh launchers run for real here against a bundle holding a stand-in `rectify` wheel (no network: the
real wheels are downloaded and installed by scripts/check_bundle.py in CI). The .bat launchers cannot run
on Linux: their shape is checked (CRLF, chcp 65001 first, labels, files they name).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bundle_files  # noqa: E402
import make_bundle  # noqa: E402

from pipeline import invocation  # noqa: E402

VERSION = make_bundle.project_version()
PYTHONS = make_bundle.PYTHONS
LABELS = [t.label for t in make_bundle.TARGETS]
FILES = bundle_files.launcher_files(VERSION, PYTHONS, LABELS)
WHEEL = f"rectify-{VERSION}-py3-none-any.whl"

# A stand-in for the package: `python -m pipeline` prints its arguments and RECTIFY_COMMAND; `serve` exists
# only when FAKE_SERVE=1 (the page is being built elsewhere).
FAKE_MAIN = '''import os, sys
args = sys.argv[1:]
if args == ["--version"]:
    print("rectify FAKE"); sys.exit(0)
if args[:1] == ["serve"]:
    if os.environ.get("FAKE_SERVE") != "1":
        print("No such command 'serve'.", file=sys.stderr); sys.exit(2)
    if "--help" not in args:
        print("SERVING"); sys.exit(0)
    sys.exit(0)
print("FAKE", os.environ.get("RECTIFY_COMMAND"), *args)
'''


def fake_wheel(dest: Path) -> Path:
    """A minimal valid wheel named like the project's, holding the stand-in `pipeline` package."""
    dist = f"rectify-{VERSION}.dist-info"
    files = {
        "pipeline/__init__.py": "",
        "pipeline/__main__.py": FAKE_MAIN,
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: rectify\nVersion: {VERSION}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{n},,\n" for n in files) + f"{dist}/RECORD,,\n"
    path = dest / WHEEL
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
        zf.writestr(f"{dist}/RECORD", record)
    return path


def write_bundle(folder: Path, wheels: bool = True) -> Path:
    """The bundle's layout with the stand-in wheel and the real example ledgers."""
    folder.mkdir(parents=True)
    for name, (text, crlf, bom) in FILES.items():
        make_bundle.write_text(folder / name, text, crlf, bom)
    if wheels:
        (folder / "wheels").mkdir()
        fake_wheel(folder / "wheels")
    make_bundle.copy_examples(ROOT, folder)
    return folder


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k not in ("DISPLAY", "WAYLAND_DISPLAY", "RECTIFY_COMMAND", "VIRTUAL_ENV")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env.update(extra)
    return env


def sh(script: Path, env: dict[str, str], stdin: str | None = None, cwd: Path | None = None):
    return subprocess.run(["bash", str(script)], input=stdin if stdin is not None else "", capture_output=True,
                          text=True, env=env, cwd=cwd or script.parent, timeout=300)


# --- the .bat files: shape only (they cannot run here) ---

BATS = [n for n in FILES if n.endswith(".bat")]


@pytest.mark.parametrize("name", BATS)
def test_bat_is_crlf_utf8_and_switches_console_to_utf8_first(name, tmp_path):
    folder = write_bundle(tmp_path / "b")
    data = (folder / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # a BOM would garble the first command
    assert data.count(b"\n") == data.count(b"\r\n") > 10  # CRLF only
    first = data.split(b"\r\n")[0]
    assert first == b"@chcp 65001 >nul"  # before any Chinese is read or echoed
    data.decode("utf-8")


@pytest.mark.parametrize("name", BATS)
def test_bat_jumps_only_to_labels_it_has(name):
    text = FILES[name][0]
    labels = set(re.findall(r"^:(\w+)\s*$", text, re.MULTILINE))
    targets = set(re.findall(r"\bgoto :?(\w+)", text, re.IGNORECASE)) | set(re.findall(r"\bcall :(\w+)", text))
    targets.discard("eof")
    assert targets and targets <= labels, targets - labels


@pytest.mark.parametrize("name", BATS + [n for n in FILES if n.endswith(".sh")])
def test_launchers_name_only_files_that_exist_in_the_bundle(name, tmp_path):
    folder = write_bundle(tmp_path / "b")
    text = FILES[name][0]
    named = set(re.findall(r"(?:wheels|input|examples)[\\/][^\s\"'<>|]+", text))
    if name.startswith("安装"):
        assert any(WHEEL in n for n in named)
    for rel in named:
        assert (folder / rel.replace("\\", "/")).exists(), rel
    for launcher in re.findall(r"“(安装|启动)(?:\.sh)?”", text):
        assert any((folder / f"{launcher}{ext}").exists() for ext in (".bat", ".sh"))


@pytest.mark.parametrize("name", ["安装.bat", "安装.sh"])
def test_install_is_offline_and_not_editable(name):
    text = re.sub(r"\\\n\s*", " ", FILES[name][0])  # a shell line continued with a backslash
    lines = [line for line in text.splitlines() if "pip install" in line]
    assert len(lines) == 1
    line = lines[0]
    assert "--no-index" in line and "--find-links wheels" in line and "--isolated" in line
    assert " -e " not in line and "--editable" not in line and f"rectify=={VERSION}" in line


def test_bat_tries_each_bundled_python_version_then_python():
    text = FILES["安装.bat"][0]
    for v in PYTHONS:
        assert f"call :try py -{v}" in text
    assert "call :try python" in text
    low, high = PYTHONS[0].split("."), PYTHONS[-1].split(".")
    assert f"({low[0]}, {low[1]}) <= sys.version_info[:2] <= ({high[0]}, {high[1]})" in text


def test_start_bat_runs_the_package_not_the_exe_and_falls_back_to_a_console():
    text = FILES["启动.bat"][0]
    assert '"%RPY%" -m pipeline serve --help' in text and '"%RPY%" -m pipeline serve\r' not in text
    assert "doskey rectify=\"%RPY%\" -m pipeline $*" in text and "RECTIFY_COMMAND=rectify" in text
    assert "cmd /k" in text


def test_readme_txt_says_what_the_pc_needs():
    text, crlf, bom = FILES["说明.txt"]
    assert crlf and bom
    assert f"Python {PYTHONS[0]} 至 {PYTHONS[-1]}" in text and "信息化人员" in text
    assert "LibreOffice" in text and "另存为" in text and "output" in text


# --- the .sh launchers, run for real ---

@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    folder = write_bundle(tmp_path_factory.mktemp("bundle") / "rectify 离线安装包")  # a space and Chinese
    proc = sh(folder / "安装.sh", clean_env(RECTIFY_PYTHON=sys.executable))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "安装完成" in proc.stdout
    return folder


def test_install_sh_makes_a_venv_beside_itself_with_a_regular_install(installed):
    py = installed / ".venv" / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import pipeline; print(pipeline.__file__)"], capture_output=True,
                          text=True, cwd="/").stdout.strip()
    assert Path(site).is_relative_to(installed / ".venv")  # a copy in the venv, not a link to the source


def test_start_sh_console_defines_rectify_and_the_command_name(installed):
    proc = sh(installed / "启动.sh", clean_env(), stdin="rectify check 台账.xlsx\n")
    assert proc.returncode == 0
    assert "rectify build" in proc.stdout  # the commands are listed
    assert "FAKE rectify check 台账.xlsx" in proc.stdout  # `rectify` works, and messages will say `rectify`


def test_start_sh_opens_the_page_when_there_is_one(installed):
    proc = sh(installed / "启动.sh", clean_env(FAKE_SERVE="1"))
    assert proc.returncode == 0 and "SERVING" in proc.stdout and "rectify init" not in proc.stdout


def test_start_sh_works_after_the_folder_is_moved(installed, tmp_path):
    moved = tmp_path / "搬走的文件夹"
    shutil.copytree(installed, moved, symlinks=True)
    proc = sh(moved / "启动.sh", clean_env(), stdin="rectify build\n")
    assert "FAKE rectify build" in proc.stdout, proc.stdout + proc.stderr


def test_reinstall_replaces_the_venv(installed):
    marker = installed / ".venv" / "old-marker"
    marker.write_text("x")
    proc = sh(installed / "安装.sh", clean_env(RECTIFY_PYTHON=sys.executable))
    assert proc.returncode == 0 and not marker.exists()


def test_start_sh_before_install_says_to_install_first(tmp_path):
    folder = write_bundle(tmp_path / "b")
    proc = sh(folder / "启动.sh", clean_env())
    assert proc.returncode == 1 and "请先运行本文件夹中的“安装.sh”" in proc.stdout


def test_install_sh_without_wheels_says_to_unpack(tmp_path):
    folder = write_bundle(tmp_path / "b", wheels=False)
    proc = sh(folder / "安装.sh", clean_env(RECTIFY_PYTHON=sys.executable))
    assert proc.returncode == 1 and "找不到安装文件" in proc.stdout and not (folder / ".venv").exists()


def _bare_path(tmp_path: Path, fake_python: str | None) -> str:
    """A PATH with bash and the few tools the launcher needs before its Python check, and maybe a fake python3."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "sh", "dirname", "rm"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    if fake_python is not None:
        fake = bin_dir / "python3"
        fake.write_text(fake_python)
        fake.chmod(0o755)
    return str(bin_dir)


def test_install_sh_without_python_says_where_to_get_it(tmp_path):
    folder = write_bundle(tmp_path / "b")
    env = clean_env(PATH=_bare_path(tmp_path, None))
    proc = subprocess.run([shutil.which("bash"), str(folder / "安装.sh")], input="", capture_output=True,
                          text=True, env=env, cwd=folder, timeout=60)
    assert proc.returncode == 1 and "没有找到 Python" in proc.stdout and "信息化人员" in proc.stdout
    assert f"Python {PYTHONS[0]} 至 {PYTHONS[-1]}" in proc.stdout and "Traceback" not in proc.stderr


def test_install_sh_with_an_old_python_names_its_version(tmp_path):
    folder = write_bundle(tmp_path / "b")
    old = '#!/bin/sh\ncase "$*" in *platform*) echo 3.8.10 ;; *) exit 3 ;; esac\n'
    env = clean_env(PATH=_bare_path(tmp_path, old))
    proc = subprocess.run([shutil.which("bash"), str(folder / "安装.sh")], input="", capture_output=True,
                          text=True, env=env, cwd=folder, timeout=60)
    assert proc.returncode == 1 and "本机的 Python 是 3.8.10 版" in proc.stdout
    assert not (folder / ".venv").exists()


@pytest.mark.parametrize("name", ["安装.sh", "启动.sh"])
def test_sh_syntax(name, tmp_path):
    folder = write_bundle(tmp_path / "b")
    assert (folder / name).read_bytes().startswith(b"#!/usr/bin/env bash\n") and b"\r" not in (folder / name).read_bytes()
    assert subprocess.run(["bash", "-n", str(folder / name)]).returncode == 0


# --- make_bundle helpers ---

def _wheel_with(tmp_path: Path, name: str, requires: list[str]) -> Path:
    path = tmp_path / f"{name}-1.0-py3-none-any.whl"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-1.0.dist-info/METADATA", meta)
    return path


def test_platform_only_dependencies_are_found_for_their_platform(tmp_path):
    click = _wheel_with(tmp_path, "click", ['colorama; platform_system == "Windows"', "pytest; extra == 'test'",
                                            'tomli; python_version < "3.11"'])
    win, linux, _ = make_bundle.TARGETS
    assert make_bundle.required_by_markers([click], make_bundle.marker_environment(win, "3.13")) == ["colorama"]
    assert make_bundle.required_by_markers([click], make_bundle.marker_environment(linux, "3.13")) == []
    assert make_bundle.required_by_markers([click], make_bundle.marker_environment(linux, "3.10")) == ["tomli"]
    colorama = _wheel_with(tmp_path, "colorama", [])
    assert make_bundle.required_by_markers([click, colorama], make_bundle.marker_environment(win, "3.13")) == []


def test_runtime_requirements_leave_out_extras(tmp_path):
    wheel = _wheel_with(tmp_path, "rectify", ["lxml>=4.9", 'pywin32; sys_platform == "win32"',
                                              'pytest>=7.4; extra == "test"'])
    assert make_bundle.runtime_requirements(wheel) == ["lxml>=4.9", 'pywin32; sys_platform == "win32"']


def test_zip_has_one_folder_utf8_names_and_executable_sh(tmp_path):
    folder = write_bundle(tmp_path / make_bundle.bundle_name(VERSION))
    path = make_bundle.zip_folder(folder, tmp_path / "b.zip")
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    assert {Path(i.filename).parts[0] for i in infos} == {folder.name}
    assert all(i.flag_bits & 0x800 for i in infos)
    modes = {Path(i.filename).name: (i.external_attr >> 16) & 0o777 for i in infos}
    assert modes["安装.sh"] == modes["启动.sh"] == 0o755 and modes["说明.txt"] == 0o644
    assert f"{folder.name}/input/示例台账.xlsx" in {i.filename for i in infos}


# --- the command a message suggests ---

def test_command_name(tmp_path, monkeypatch):
    monkeypatch.delenv(invocation.ENV_COMMAND, raising=False)
    bin_dir = tmp_path / "venv bin"
    bin_dir.mkdir()
    script = bin_dir / "rectify"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert invocation.command_name(str(script)) == f'"{script}"'  # not on PATH: the full path, quoted
    monkeypatch.setenv("PATH", str(bin_dir))
    assert invocation.command_name(str(script)) == "rectify"  # `rectify` reaches this program
    main = Path(invocation.__file__).with_name("__main__.py")
    assert invocation.command_name(str(main)).endswith(" -m pipeline")
    assert invocation.command_name("/usr/bin/pytest") == "rectify"  # embedded: the documented name
    monkeypatch.setenv(invocation.ENV_COMMAND, "rectify")
    assert invocation.command_name(str(script.with_name("other"))) == "rectify"


def test_init_message_names_the_command_as_run(tmp_path):
    ledger = tmp_path / "台账.xlsx"
    env = clean_env()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "init", str(ledger)], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    assert proc.returncode == 0
    assert f"填好后运行：{invocation._quoted(sys.executable)} -m pipeline check {ledger}" in proc.stdout
