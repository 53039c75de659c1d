"""CI check of the offline install bundle: build it, prove it installs without the network, use what it installs.

    python scripts/check_bundle.py [--keep DIR]

1. Builds the bundle (scripts/make_bundle.py; downloading needs the package index) and unpacks its zip.
2. For every platform × Python version of the bundle: `pip install --dry-run --no-index --find-links wheels
   --platform … --python-version … --only-binary=:all: --target …` must resolve `rectify` from the bundle
   alone. pip evaluates markers for this machine, not for --platform, so the markers of every resolved
   wheel are also evaluated for the target, and what they add must resolve from the bundle too.
3. Runs the bundle's own 安装.sh on this machine (a fresh .venv beside it, pip told `--no-index`), then
   builds the bundled example with the installed `rectify` console script into a temporary folder and
   checks the five documents and manifest.json exist; then 启动.sh must start the page: it prints the page's
   address, and that address (with its token) serves the page.

pip runs with PIP_CONFIG_FILE=/dev/null and no PIP_* variables for the offline steps, so no configured
find-links or index can stand in for the bundle. Exits 1 with a message on the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_bundle  # noqa: E402
from make_bundle import PYTHONS, TARGETS, Target  # noqa: E402

DOCUMENTS = ("01_通报.docx", "02_问题清单.docx", "03_任务清单.docx", "04_责任清单.docx", "05_督办清单.docx")


class CheckFailed(Exception):
    """One check of the bundle failed; the message says which and why."""


def offline_env() -> dict[str, str]:
    """This process's environment without any pip configuration (no index or find-links from elsewhere)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    for k in ("DISPLAY", "WAYLAND_DISPLAY", "RECTIFY_COMMAND", "RECTIFY_PYTHON", "VIRTUAL_ENV"):
        env.pop(k, None)
    return env


def run(cmd: list[str], what: str, **kw) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", **kw)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise CheckFailed(f"{what}：退出码 {proc.returncode}\n{tail}")
    return proc


def dry_run(wheels: Path, target: Target, python: str, requirements: list[str], scratch: Path) -> list[dict]:
    """Resolve requirements for target × python from the bundle's wheels alone; pip's report items."""
    report = scratch / "report.json"
    cmd = [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--ignore-installed", "--no-index",
           "--find-links", str(wheels), "--only-binary=:all:", "--implementation", "cp",
           "--python-version", python, "--target", str(scratch / "target"), "--report", str(report), "--quiet"]
    for platform in target.platforms:
        cmd += ["--platform", platform]
    run(cmd + requirements, f"{target.label}、Python {python}：离线解析失败", env=offline_env())
    items = json.loads(report.read_text(encoding="utf-8"))["install"]
    for item in items:
        url = item["download_info"]["url"]
        if not url.startswith("file:"):
            raise CheckFailed(f"{target.label}、Python {python}：{item['metadata']['name']} 不是来自安装包（{url}）")
    return items


def check_resolves(wheels: Path, version: str, targets: tuple[Target, ...], pythons: tuple[str, ...]) -> int:
    """Step 2 for every target × python; the number of combinations checked."""
    checked = 0
    for target in targets:
        for python in pythons:
            with tempfile.TemporaryDirectory(prefix="rectify-dry-") as tmp:
                items = dry_run(wheels, target, python, [f"rectify=={version}"], Path(tmp))
                env = make_bundle.marker_environment(target, python)
                names = {make_bundle.canonicalize_name(i["metadata"]["name"]) for i in items}
                extra: list[str] = []
                for item in items:
                    for line in item["metadata"].get("requires_dist") or []:
                        req = make_bundle.Requirement(line)
                        if req.marker is not None and req.marker.evaluate(env) \
                                and make_bundle.canonicalize_name(req.name) not in names:
                            req.marker = None
                            extra.append(str(req))
                if extra:  # needed only on the target: must resolve from the bundle as well
                    dry_run(wheels, target, python, [f"rectify=={version}", *sorted(set(extra))], Path(tmp))
                print(f"  离线解析通过：{target.label}，Python {python}（{len(items) + len(set(extra))} 个包"
                      + (f"，含平台专用 {'、'.join(sorted(set(extra)))}" if extra else "") + "）")
                checked += 1
    return checked


def unpack(zip_path: Path, dest: Path) -> Path:
    """Unpack the zip as a clerk would (names from UTF-8, .sh keeping their executable bit); the folder."""
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            if not info.flag_bits & 0x800 and not info.filename.isascii():
                raise CheckFailed(f"压缩包中的“{info.filename}”没有标记为 UTF-8 文件名。")
            zf.extract(info, dest)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                (dest / info.filename).chmod(mode)
        tops = {Path(n).parts[0] for n in zf.namelist()}
    if len(tops) != 1:
        raise CheckFailed(f"压缩包应只有一个顶层文件夹，实际：{sorted(tops)}")
    return dest / tops.pop()


def check_install(folder: Path, scratch: Path) -> None:
    """Step 3: 安装.sh into a fresh .venv, the installed command builds the example, 启动.sh opens the page."""
    if (folder / ".venv").exists():
        raise CheckFailed("解压出的安装包中已有 .venv。")
    env = offline_env()
    env["RECTIFY_PYTHON"] = shutil.which("python3") or sys.executable
    proc = run(["bash", str(folder / "安装.sh")], "安装.sh 失败", env=env, stdin=subprocess.DEVNULL, cwd=scratch)
    if "安装完成" not in proc.stdout:
        raise CheckFailed("安装.sh 没有报告“安装完成”：\n" + proc.stdout[-2000:])
    rectify = folder / ".venv" / "bin" / "rectify"
    installed = run([str(folder / ".venv/bin/python"), "-m", "pip", "show", "-f", "rectify"], "pip show", env=env)
    if "Editable project location" in installed.stdout or str(folder / ".venv") not in installed.stdout:
        raise CheckFailed("rectify 不是以普通（非 editable）方式装进 .venv 的：\n" + installed.stdout)
    out = scratch / "build-out"
    run([str(rectify), "build", str(folder / "input" / "示例台账.xlsx"), "-o", str(out)],
        "安装的 rectify build 失败", env=env, cwd=scratch)
    check_documents(out, "安装的 rectify build")
    print(f"  安装.sh 通过；安装的 rectify build 生成了 {len(DOCUMENTS)} 个文档（{out}）")
    check_start(folder, env, scratch)


def check_start(folder: Path, env: dict[str, str], scratch: Path) -> None:
    """启动.sh opens the page: it prints the page's address, and that address serves the page."""
    import http.cookiejar
    import re
    import signal
    import urllib.request

    env = dict(env, BROWSER="true")  # `true` as the browser: nothing is opened on this machine
    proc = subprocess.Popen(["bash", str(folder / "启动.sh")], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace", env=env,
                            cwd=scratch, start_new_session=True)
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            found = re.search(r"http://127\.0\.0\.1:\d+/\S*token=\S+", line)
            url = found.group(0) if found else None
        if url is None:
            raise CheckFailed("启动.sh 没有打开页面（没有打印页面地址）：\n" + "".join(seen)[-2000:])
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(url, timeout=30) as response:
            page = response.read().decode("utf-8", "replace")
        if response.status != 200 or "整改台账" not in page:
            raise CheckFailed(f"启动.sh 打开的页面不对（HTTP {response.status}）：\n" + page[:500])
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    print(f"  启动.sh 通过：打开了本工具的页面（{url.split('?')[0]}）")


def check_documents(out: Path, what: str) -> None:
    builds = [d for d in out.iterdir() if d.is_dir() and not d.name.startswith(".")] if out.is_dir() else []
    if len(builds) != 1:
        raise CheckFailed(f"{what}：{out} 中应有一个生成文件夹，实际 {len(builds)} 个。")
    missing = [n for n in (*DOCUMENTS, "manifest.json") if not (builds[0] / n).is_file()]
    if missing:
        raise CheckFailed(f"{what}：{builds[0]} 中缺少 {'、'.join(missing)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成离线安装包并检查它能离线安装、安装后能生成示例。")
    parser.add_argument("--keep", type=Path, help="把安装包留在这个文件夹（默认用临时文件夹，检查后删除）")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rectify-bundle-check-") as tmp:
        work = Path(tmp)
        out = args.keep.resolve() if args.keep else work / "dist"
        try:
            print("生成离线安装包……")
            bundle = make_bundle.build_bundle(out, log=lambda m: print("  " + m))
            assert bundle.zip_path is not None
            size = bundle.zip_path.stat().st_size
            print(f"  {bundle.zip_path.name}：{size / 1e6:.1f} MB，{len(bundle.wheels)} 个 wheel")
            folder = unpack(bundle.zip_path, work / "unpacked")
            version = make_bundle.project_version()
            print("离线解析（pip --dry-run --no-index）……")
            n = check_resolves(folder / "wheels", version, TARGETS, PYTHONS)
            print(f"在本机离线安装并生成示例（{sys.platform}）……")
            check_install(folder, work)
        except (CheckFailed, make_bundle.BundleError) as err:
            print(f"离线安装包检查失败：{err}", file=sys.stderr)
            return 1
    print(f"离线安装包检查通过：{n} 种平台和 Python 版本的组合，用时 {time.monotonic() - started:.0f} 秒。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
