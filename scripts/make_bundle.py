"""Build the offline install bundle: a folder and its zip that install rectify on a PC without internet.

For the office's IT person or a release, run from the project folder with a Python that has pip:

    python scripts/make_bundle.py [--out dist]

It writes dist/rectify-<version>-离线安装包/ and dist/rectify-<version>-离线安装包.zip holding the project's
wheel, the wheels of every runtime dependency for each platform and Python version in TARGETS × PYTHONS,
the example ledgers, the 安装/启动 launchers for Windows (.bat) and Linux (.sh) and 说明.txt. Downloading
needs the package index; installing from the bundle needs none (`pip install --no-index`).

The runtime dependencies are read from the project wheel's metadata (pyproject.toml), never listed here.
pip evaluates environment markers for the machine it runs on, not for --platform, so a dependency that only
one platform needs (click's `colorama; platform_system == "Windows"`) would be missed: after each download
the markers of every downloaded wheel are evaluated for the target platform and what they add is
downloaded explicitly (printed as 平台专用依赖).

Standard library only, plus pip run as a subprocess (and the `packaging` that pip vendors, for markers).
"""

from __future__ import annotations

import argparse
import email.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundle_files import launcher_files  # noqa: E402

try:  # the `packaging` pip itself uses; a standalone install is preferred when present
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pragma: no cover - depends on the interpreter's packages
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]


@dataclass(frozen=True)
class Target:
    """A platform the bundle installs on: pip's --platform tags and the marker values of that platform."""

    key: str
    label: str
    platforms: tuple[str, ...]
    markers: dict[str, str]


TARGETS: tuple[Target, ...] = (
    Target("win_amd64", "Windows 64 位", ("win_amd64",),
           {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"}),
    # manylinux2014 (glibc 2.17 and later) covers 麒麟 V10 and 统信 UOS 20 alike; a dependency without
    # such a wheel fails the download loudly rather than shipping a wheel an older system cannot load.
    Target("linux_x86_64", "Linux x86_64", ("manylinux2014_x86_64",),
           {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"}),
    Target("linux_aarch64", "Linux aarch64（鲲鹏、飞腾等）", ("manylinux2014_aarch64",),
           {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "aarch64"}),
)
# The project requires 3.10; 3.14 is what python.org offers a clerk's IT person today.
PYTHONS: tuple[str, ...] = ("3.10", "3.11", "3.12", "3.13", "3.14")


class BundleError(Exception):
    """Building the bundle failed (a pip step, a missing wheel); the message says which step and why."""


def pip_command() -> list[str]:
    """pip of the interpreter running this script."""
    return [sys.executable, "-m", "pip"]


def run_pip(args: list[str], what: str, env: dict[str, str] | None = None) -> str:
    """Run pip; on failure raise BundleError with pip's own last lines."""
    proc = subprocess.run(pip_command() + args, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", env=env)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise BundleError(f"{what}失败（pip 退出码 {proc.returncode}）：\n{tail}")
    return proc.stdout


def project_version(root: Path = ROOT) -> str:
    """The version in pyproject.toml (read as text: tomllib is not in Python 3.10)."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not found:
        raise BundleError("pyproject.toml 中没有 version。")
    return found.group(1)


def build_project_wheel(root: Path, dest: Path) -> Path:
    """The project's own wheel (not editable), built from its source folder into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    # setuptools leaves build/ and *.egg-info in the source folder: build from a copy of what the wheel holds.
    with tempfile.TemporaryDirectory(prefix="rectify-wheel-") as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(root / name, source / name)
        shutil.copytree(root / "pipeline", source / "pipeline",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        run_pip(["wheel", "--no-deps", "-w", tmp, str(source)], "生成本工具的 wheel ")
        wheels = list(Path(tmp).glob("rectify-*.whl"))
        if len(wheels) != 1:
            raise BundleError(f"生成本工具的 wheel 后找到 {len(wheels)} 个文件，应为 1 个。")
        target = dest / wheels[0].name
        shutil.copy2(wheels[0], target)
    return target


def wheel_metadata(wheel: Path) -> email.message.Message:
    """The METADATA of a wheel (its *.dist-info/METADATA)."""
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        if len(names) != 1:
            raise BundleError(f"{wheel.name} 中找不到 METADATA。")
        return email.parser.Parser().parsestr(zf.read(names[0]).decode("utf-8"))


def runtime_requirements(wheel: Path) -> list[str]:
    """The wheel's Requires-Dist lines that are not behind an extra (test tools stay out of the bundle)."""
    reqs = []
    for line in wheel_metadata(wheel).get_all("Requires-Dist") or []:
        req = Requirement(line)
        if req.marker is not None and "extra" in str(req.marker):
            continue
        reqs.append(line)
    return reqs


def marker_environment(target: Target, python: str) -> dict[str, str]:
    """Marker values of CPython `python` on `target` (what pip would see running there)."""
    return {"python_version": python, "python_full_version": f"{python}.0", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "implementation_version": f"{python}.0",
            "platform_release": "", "platform_version": "", "extra": "", **target.markers}


def wheel_name(wheel: Path) -> str:
    """The canonical project name of a wheel file."""
    return canonicalize_name(wheel.name.split("-")[0])


def required_by_markers(wheels: list[Path], env: dict[str, str]) -> list[str]:
    """Requirements of these wheels that apply on the target (markers true there) and are not among them."""
    have = {wheel_name(w) for w in wheels}
    missing: list[str] = []
    for wheel in wheels:
        for line in wheel_metadata(wheel).get_all("Requires-Dist") or []:
            req = Requirement(line)
            if req.marker is None or not req.marker.evaluate(env):
                continue
            if canonicalize_name(req.name) not in have:
                req.marker = None
                missing.append(str(req))
    return sorted(set(missing))


def download_target(target: Target, python: str, requirements: list[str], dest: Path) -> tuple[list[Path], list[str]]:
    """Download every wheel `requirements` need on target × python into dest; (files, platform-only additions).

    Each target downloads into its own folder so its set is exactly what it needs; pip's HTTP cache makes
    the repeated pure-Python wheels cheap.
    """
    env = marker_environment(target, python)
    wanted = list(requirements)
    added: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rectify-dl-") as tmp:
        for _ in range(10):
            args = ["download", "--only-binary=:all:", "--implementation", "cp", "--python-version", python,
                    "-d", tmp, "--quiet"]
            for platform in target.platforms:
                args += ["--platform", platform]
            run_pip(args + wanted, f"下载 {target.label}、Python {python} 的依赖")
            files = sorted(Path(tmp).glob("*.whl"))
            extra = required_by_markers(files, env)
            if not extra:
                break
            added += extra
            wanted += extra
        else:
            raise BundleError(f"{target.label}、Python {python}：平台专用依赖没有收敛：{', '.join(added)}")
        dest.mkdir(parents=True, exist_ok=True)
        copied = []
        for f in files:
            if not (dest / f.name).exists():
                shutil.copy2(f, dest / f.name)
            copied.append(dest / f.name)
    return copied, added


def copy_examples(root: Path, folder: Path) -> list[Path]:
    """The shipped example ledgers: input/ (what `rectify build` builds by default) and examples/."""
    copied = []
    for sub in ("input", "examples"):
        for src in sorted((root / sub).glob("*.xlsx")):
            if src.name.startswith("~$"):
                continue
            target = folder / sub / src.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
            copied.append(target)
    if not copied:
        raise BundleError(f"{root} 中没有示例台账（input/、examples/）。")
    return copied


def write_text(path: Path, text: str, crlf: bool, bom: bool = False) -> None:
    """Write UTF-8 (a BOM only where asked: it breaks a .bat's first line and a .sh's #!); CRLF for Windows."""
    data = text.replace("\r\n", "\n")
    if crlf:
        data = data.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    if path.suffix == ".sh":
        path.chmod(0o755)


def zip_folder(folder: Path, zip_path: Path) -> Path:
    """Zip folder (entries under its name, UTF-8 file names, .sh executable), written beside and moved in place."""
    tmp = zip_path.with_name(f".{zip_path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            arcname = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            if path.is_dir():
                continue
            info = zipfile.ZipInfo.from_file(path, arcname)
            mode = 0o755 if path.suffix == ".sh" else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
            # Python sets the UTF-8 name flag (bit 11) itself for non-ASCII names; set it for all, for clarity.
            info.flag_bits |= 0x800
            with path.open("rb") as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst)
    os.replace(tmp, zip_path)
    return zip_path


@dataclass
class Bundle:
    """What build_bundle wrote."""

    folder: Path
    zip_path: Path | None
    wheels: list[Path]
    platform_only: dict[str, list[str]]


def bundle_name(version: str) -> str:
    return f"rectify-{version}-离线安装包"


def build_bundle(out: Path, root: Path = ROOT, targets: tuple[Target, ...] = TARGETS,
                 pythons: tuple[str, ...] = PYTHONS, make_zip: bool = True, log=print) -> Bundle:
    """Write the bundle folder (replacing an earlier one of the same version) and its zip under `out`."""
    version = project_version(root)
    out.mkdir(parents=True, exist_ok=True)
    folder = out / bundle_name(version)
    staging = Path(tempfile.mkdtemp(prefix=".bundle-", dir=out)) / folder.name
    wheels_dir = staging / "wheels"
    log(f"生成本工具的 wheel（{version}）……")
    project = build_project_wheel(root, wheels_dir)
    requirements = runtime_requirements(project)
    log("运行依赖（来自 pyproject.toml）：" + "，".join(requirements))
    platform_only: dict[str, list[str]] = {}
    for target in targets:
        for python in pythons:
            log(f"下载依赖：{target.label}，Python {python}")
            _, added = download_target(target, python, requirements, wheels_dir)
            for req in added:
                platform_only.setdefault(req, [])
                if target.label not in platform_only[req]:
                    platform_only[req].append(target.label)
    for req, labels in platform_only.items():
        log(f"平台专用依赖：{req}（{'、'.join(labels)}）")
    copy_examples(root, staging)
    for name, (text, crlf, bom) in launcher_files(version, pythons, [t.label for t in targets]).items():
        write_text(staging / name, text, crlf, bom)
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(staging, folder)
    shutil.rmtree(staging.parent, ignore_errors=True)
    zip_path = zip_folder(folder, out / f"{folder.name}.zip") if make_zip else None
    return Bundle(folder, zip_path, sorted((folder / "wheels").glob("*.whl")), platform_only)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成离线安装包（文件夹和 zip）。需要能访问软件包索引。")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="输出位置（默认 dist/）")
    parser.add_argument("--no-zip", action="store_true", help="只生成文件夹，不压缩")
    parser.add_argument("--only", choices=[t.key for t in TARGETS], action="append",
                        help="只含这些平台（可重复；默认全部），如 --only win_amd64 得到较小的 Windows 安装包")
    args = parser.parse_args(argv)
    targets = tuple(t for t in TARGETS if not args.only or t.key in args.only)
    try:
        bundle = build_bundle(args.out.resolve(), targets=targets, make_zip=not args.no_zip)
    except BundleError as err:
        print(f"离线安装包生成失败：{err}", file=sys.stderr)
        return 1
    print(f"文件夹：{bundle.folder}（{folder_size(bundle.folder) / 1e6:.1f} MB，{len(bundle.wheels)} 个 wheel）")
    if bundle.zip_path:
        print(f"压缩包：{bundle.zip_path}（{bundle.zip_path.stat().st_size / 1e6:.1f} MB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
