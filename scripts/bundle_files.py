"""The texts the offline bundle ships beside its wheels: 安装/启动 launchers (.bat, .sh) and 说明.txt.

Kept apart from make_bundle.py so the tests can write and run the launchers without downloading anything.
Every message a clerk sees is Chinese and says what to do; the .bat files are CRLF and switch the console
to UTF-8 (chcp 65001) on their first line, before any Chinese is echoed.
"""

from __future__ import annotations

# name -> (text, CRLF line endings, UTF-8 BOM)
Files = dict[str, tuple[str, bool, bool]]

PYTHON_DOWNLOAD = "https://www.python.org/downloads/"


def _versions(pythons: tuple[str, ...]) -> tuple[str, str, tuple[int, int], tuple[int, int]]:
    low, high = pythons[0], pythons[-1]
    as_tuple = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    return low, high, as_tuple(low), as_tuple(high)  # type: ignore[return-value]


def install_bat(version: str, pythons: tuple[str, ...]) -> str:
    low, high, lo, hi = _versions(pythons)
    check = f'import sys; sys.exit(0 if {lo} <= sys.version_info[:2] <= {hi} else 3)'
    tries = "\n".join(f"call :try py -{v}" for v in reversed(pythons))
    return rf"""@chcp 65001 >nul
@echo off
rem Install rectify from this folder's wheels into .venv beside this file, without the network.
setlocal
cd /d "%~dp0"
title rectify 安装
echo ============================================================
echo   rectify 巡察整改台账工具 {version}：安装
echo ============================================================
echo 本程序把工具安装到本文件夹中的 .venv 文件夹（不联网，不改动电脑上的其他程序）。
echo 本文件夹：%~dp0
echo.
if not exist "wheels\rectify-{version}-py3-none-any.whl" goto nowheels

set "PY="
{tries}
call :try python
call :try python3
if not defined PY goto nopython
echo 使用的 Python：
%PY% -c "import sys; print(sys.executable, sys.version.split()[0])"
echo.

if not exist ".venv" goto makevenv
echo 删除原来的安装（.venv 文件夹）……
rmdir /s /q ".venv"
if exist ".venv" goto venvbusy
:makevenv
echo 正在创建 .venv 文件夹……
%PY% -m venv .venv
if errorlevel 1 goto venvfail
if not exist ".venv\Scripts\python.exe" goto venvfail
echo 正在从 wheels 文件夹安装（不联网）……
".venv\Scripts\python.exe" -m pip install --isolated --no-index --find-links wheels --disable-pip-version-check --no-warn-script-location rectify=={version}
if errorlevel 1 goto installfail
".venv\Scripts\python.exe" -m pipeline --version
if errorlevel 1 goto installfail
echo.
echo ============================================================
echo 安装完成。以后每次使用时，双击本文件夹中的“启动”。
echo ============================================================
pause
exit /b 0

:try
if defined PY goto :eof
%* -c "{check}" >nul 2>&1
if errorlevel 1 goto :eof
set "PY=%*"
goto :eof

:nowheels
echo 【找不到安装文件】本文件夹中没有 wheels 文件夹或其中的 rectify-{version}-py3-none-any.whl。
echo 如果是在压缩包里直接双击的“安装”：请先关闭本窗口，在压缩包上点右键选“全部解压缩”，
echo 再打开解压出的文件夹，双击其中的“安装”。
goto fail

:nopython
set "OTHER="
set "VERFILE=%TEMP%\rectify-python-version.txt"
py -3 -c "import platform; print(platform.python_version())" >"%VERFILE%" 2>nul
if errorlevel 1 python -c "import platform; print(platform.python_version())" >"%VERFILE%" 2>nul
if not errorlevel 1 set /p OTHER=<"%VERFILE%"
del "%VERFILE%" >nul 2>&1
if defined OTHER goto wrongversion
echo 【没有找到 Python】本工具需要 Python {low} 至 {high} 中的一个版本（推荐 3.12 或 3.13）。
echo 请联系单位信息化人员安装：在能上网的电脑上打开 {PYTHON_DOWNLOAD}windows/
echo 下载“Windows installer (64-bit)”，拷到本机运行，安装时勾选“Add python.exe to PATH”。
echo 装好后，再双击“安装”。
goto fail

:wrongversion
echo 【Python 版本不合适】本机的 Python 是 %OTHER% 版，本安装包只含 Python {low} 至 {high} 用的文件。
echo 请联系单位信息化人员另装 Python {low} 至 {high} 中的一个版本（推荐 3.12 或 3.13，
echo 下载地址 {PYTHON_DOWNLOAD}windows/ ），可以与现有版本并存；装好后再双击“安装”。
goto fail

:venvbusy
echo 【无法删除原来的安装】.venv 文件夹中的文件正在使用。
echo 请关闭“启动”打开的窗口和页面后，再双击“安装”。
goto fail

:venvfail
echo 【无法创建 .venv 文件夹】请确认本文件夹可以写入（不要放在光盘、只读的 U 盘或“Program Files”中），
echo 可以把整个文件夹复制到“文档”或 D 盘后再双击“安装”。仍不行时，请把本窗口的内容拍照发给信息化人员。
goto fail

:installfail
echo 【安装失败】本安装包可能不适合这台电脑（见“说明.txt”中适用的电脑和 Python 版本）。
echo 请把本窗口的内容拍照或复制发给信息化人员。
goto fail

:fail
echo.
echo 安装没有完成。
pause
exit /b 1
"""


def start_bat(version: str) -> str:
    return rf"""@chcp 65001 >nul
@echo off
rem Start rectify installed in .venv beside this file: its page when it has one, else a console with the commands.
setlocal
cd /d "%~dp0"
title rectify 巡察整改台账工具
set "RPY=%~dp0.venv\Scripts\python.exe"
if not exist "%RPY%" goto notinstalled
"%RPY%" -m pipeline --version >nul 2>&1
if errorlevel 1 goto broken
"%RPY%" -m pipeline serve --help >nul 2>&1
if errorlevel 1 goto console
echo 正在打开本工具的页面（在浏览器中）。使用期间请不要关闭本窗口；用完后关闭本窗口即可。
"%RPY%" -m pipeline serve
if errorlevel 1 pause
exit /b 0

:console
set "RECTIFY_COMMAND=rectify"
set "PATH=%~dp0.venv\Scripts;%PATH%"
doskey rectify="%RPY%" -m pipeline $*
echo ============================================================
echo   rectify 巡察整改台账工具 {version}
echo ============================================================
echo 在本窗口中输入命令，按回车执行。把“台账.xlsx”换成自己的文件；
echo 也可以输入命令和空格后，把文件从资源管理器拖进本窗口。
echo.
echo   rectify build                  先试试：生成 input 文件夹中的自带示例台账
echo   rectify init 台账.xlsx         新建空白台账
echo   rectify check 台账.xlsx        检查台账，列出需要修改的单元格
echo   rectify build 台账.xlsx        生成通报和清单（Word），在 output 文件夹中
echo   rectify build 台账.xlsx --pdf  同时生成 PDF（需要安装 LibreOffice）
echo   rectify --help                 全部命令的说明
echo.
echo 生成的文件在本文件夹的 output 文件夹中：输入 start output 回车即可打开。
echo.
cmd /k
exit /b 0

:notinstalled
echo 【还没有安装】请先双击本文件夹中的“安装”，装好后再双击“启动”。
pause
exit /b 1

:broken
echo 【安装已损坏】可能是电脑上的 Python 被卸载或更换了。请再双击一次“安装”。
pause
exit /b 1
"""


_SH_TERMINAL = r"""# Double-clicked in a file manager (no terminal): reopen in one so the messages can be read.
if [ ! -t 0 ] && [ -z "${RECTIFY_IN_TERMINAL:-}" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  for term in x-terminal-emulator deepin-terminal mate-terminal xterm; do
    if command -v "$term" >/dev/null 2>&1; then
      exec "$term" -e env RECTIFY_IN_TERMINAL=1 bash "$0"
    fi
  done
fi
pause() { if [ -t 0 ]; then printf '%s' "按回车键关闭本窗口……"; read -r _; fi; }
"""


def install_sh(version: str, pythons: tuple[str, ...]) -> str:
    low, high, lo, hi = _versions(pythons)
    check = f'import sys; sys.exit(0 if {lo} <= sys.version_info[:2] <= {hi} else 3)'
    candidates = " ".join(f"python{v}" for v in reversed(pythons))
    return rf"""#!/usr/bin/env bash
# Install rectify from this folder's wheels into .venv beside this file, without the network.
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE" || exit 1
{_SH_TERMINAL}
fail() {{ echo; echo "安装没有完成。"; pause; exit 1; }}
echo "============================================================"
echo "  rectify 巡察整改台账工具 {version}：安装"
echo "============================================================"
echo "本程序把工具安装到本文件夹中的 .venv 文件夹（不联网，不改动电脑上的其他程序）。"
echo "本文件夹：$HERE"
echo
if [ ! -f "wheels/rectify-{version}-py3-none-any.whl" ]; then
  echo "【找不到安装文件】本文件夹中没有 wheels 文件夹或其中的 rectify-{version}-py3-none-any.whl。"
  echo "请先把压缩包完整解压，再运行解压出的文件夹中的“安装.sh”。"
  fail
fi

CHECK='{check}'
PY=""
for c in ${{RECTIFY_PYTHON:-}} {candidates} python3 python; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -c "$CHECK" >/dev/null 2>&1; then
    PY="$(command -v "$c")"
    break
  fi
done
if [ -z "$PY" ]; then
  OTHER=""
  for c in python3 python; do
    if command -v "$c" >/dev/null 2>&1; then
      OTHER="$("$c" -c 'import platform; print(platform.python_version())' 2>/dev/null)" && [ -n "$OTHER" ] && break
    fi
  done
  if [ -n "$OTHER" ]; then
    echo "【Python 版本不合适】本机的 Python 是 $OTHER 版，本安装包只含 Python {low} 至 {high} 用的文件。"
    echo "请联系单位信息化人员另装 Python {low} 至 {high} 中的一个版本（可以与系统自带的版本并存），"
    echo "装好后再运行“安装.sh”；装在非标准位置时可以这样指定：RECTIFY_PYTHON=/路径/python3 ./安装.sh"
  else
    echo "【没有找到 Python】本工具需要 Python {low} 至 {high} 中的一个版本。"
    echo "请联系单位信息化人员安装（软件源中的 python3，或从 {PYTHON_DOWNLOAD} 取得），装好后再运行“安装.sh”。"
  fi
  fail
fi
echo "使用的 Python：$PY（$("$PY" -c 'import platform; print(platform.python_version())')）"
echo

if [ -e .venv ]; then
  echo "删除原来的安装（.venv 文件夹）……"
  rm -rf .venv || {{ echo "【无法删除原来的安装】请关闭正在运行的“启动”后重试。"; fail; }}
fi
echo "正在创建 .venv 文件夹……"
if ! VENV_OUT="$("$PY" -m venv .venv 2>&1)" || [ ! -x .venv/bin/python ]; then
  echo "$VENV_OUT"
  rm -rf .venv
  case "$VENV_OUT" in
    *ensurepip*|*venv*)
      echo "【无法创建 .venv 文件夹】这台电脑的 Python 缺少 venv 组件。"
      echo "请信息化人员安装 python3-venv 软件包（如 sudo apt install python3-venv），再运行“安装.sh”。" ;;
    *)
      echo "【无法创建 .venv 文件夹】请确认本文件夹可以写入（可以把整个文件夹复制到自己的主文件夹后再试）。" ;;
  esac
  fail
fi
echo "正在从 wheels 文件夹安装（不联网）……"
if ! .venv/bin/python -m pip install --isolated --no-index --find-links wheels --disable-pip-version-check \
     --no-warn-script-location "rectify=={version}"; then
  echo "【安装失败】本安装包可能不适合这台电脑（见“说明.txt”中适用的电脑和 Python 版本）。"
  echo "请把上面的内容拍照或复制发给信息化人员。"
  fail
fi
.venv/bin/python -m pipeline --version || {{ echo "【安装失败】安装后无法运行。请把上面的内容发给信息化人员。"; fail; }}
echo
echo "============================================================"
echo "安装完成。以后每次使用时，运行本文件夹中的“启动.sh”。"
echo "============================================================"
pause
exit 0
"""


def start_sh(version: str) -> str:
    return rf"""#!/usr/bin/env bash
# Start rectify installed in .venv beside this file: its page when it has one, else a shell with the commands.
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE" || exit 1
{_SH_TERMINAL}
RPY="$HERE/.venv/bin/python"
if [ ! -x "$RPY" ]; then
  echo "【还没有安装】请先运行本文件夹中的“安装.sh”，装好后再运行“启动.sh”。"
  pause; exit 1
fi
if ! "$RPY" -m pipeline --version >/dev/null 2>&1; then
  echo "【安装已损坏】可能是电脑上的 Python 被卸载或更换了。请再运行一次“安装.sh”。"
  pause; exit 1
fi
if "$RPY" -m pipeline serve --help >/dev/null 2>&1; then
  echo "正在打开本工具的页面（在浏览器中）。使用期间请不要关闭本窗口；用完后关闭本窗口即可。"
  "$RPY" -m pipeline serve || pause
  exit 0
fi
RC="$(mktemp "${{TMPDIR:-/tmp}}/rectify-rc.XXXXXX")" || exit 1
cat >"$RC" <<EOF
rm -f "$RC"
[ -f "\$HOME/.bashrc" ] && . "\$HOME/.bashrc"
rectify() {{ "$RPY" -m pipeline "\$@"; }}
export RECTIFY_COMMAND=rectify
PS1='rectify \w\$ '
cd "$HERE"
EOF
cat <<'EOF'
============================================================
  rectify 巡察整改台账工具 {version}
============================================================
在本窗口中输入命令，按回车执行。把“台账.xlsx”换成自己的文件；
也可以输入命令和空格后，把文件从文件管理器拖进本窗口。

  rectify build                  先试试：生成 input 文件夹中的自带示例台账
  rectify init 台账.xlsx         新建空白台账
  rectify check 台账.xlsx        检查台账，列出需要修改的单元格
  rectify build 台账.xlsx        生成通报和清单（Word），在 output 文件夹中
  rectify build 台账.xlsx --pdf  同时生成 PDF（需要安装 LibreOffice）
  rectify --help                 全部命令的说明

生成的文件在本文件夹的 output 文件夹中：输入 xdg-open output 回车即可打开。
EOF
exec bash --rcfile "$RC" -i
"""


def readme_txt(version: str, pythons: tuple[str, ...], targets: list[str]) -> str:
    low, high, _, _ = _versions(pythons)
    return f"""rectify 巡察整改台账工具 {version} 离线安装包
================================================

由一个 Excel 整改台账生成整改进展情况通报和问题、任务、责任清单、督办清单（Word 文档）。
本文件夹可以用 U 盘拷到不能上网的电脑上安装使用，安装和使用都不联网。

一、电脑需要什么（请单位信息化人员准备，只需一次）
1. Python {low} 至 {high} 中的一个版本（推荐 3.12 或 3.13）。
   - Windows：在能上网的电脑上打开 {PYTHON_DOWNLOAD}windows/ ，下载“Windows installer (64-bit)”，
     拷到本机运行；安装时勾选“Add python.exe to PATH”。已有其他版本的 Python 时可以并存。
   - 麒麟、统信等国产 Linux：系统自带的 Python 可能低于 {low}（有的是 3.7 或 3.8），请另装 {low} 以上版本；
     提示缺少 venv 时，安装 python3-venv 软件包。
2. 适用的电脑：{"；".join(targets)}。32 位 Windows、龙芯（loongarch64）、申威等电脑不适用。
   Linux 需要 glibc 2.17 或更新（麒麟 V10、统信 UOS 20 都满足）。
3. 需要 PDF 时：安装 LibreOffice（免费办公软件），生成时加 --pdf；
   没有 LibreOffice 时，也可以在 Word 或 WPS 中打开生成的文档，用“另存为”保存为 PDF。

二、安装（每台电脑一次）
先把压缩包完整解压（右键“全部解压缩”），不要在压缩包里直接双击。
- Windows：双击“安装.bat”（不显示扩展名时名为“安装”）。
- Linux：双击“安装.sh”（如询问，选“在终端中运行”），或在本文件夹中打开终端，输入 ./安装.sh
安装会在本文件夹中建一个 .venv 文件夹，不改动电脑上的其他程序。卸载时删除整个文件夹即可。

三、使用
双击“启动”（Linux 为“启动.sh”）：打开本工具的页面；本版本没有页面时，打开一个命令窗口并列出可用的命令，
例如 rectify build 生成 input 文件夹中的自带示例台账。
- 生成的文档在本文件夹的 output 文件夹中，每次生成新建一个文件夹（名称为成文日期和发文字号），
  并在 output\\生成记录.csv 中记一行。
- 自带示例：input\\示例台账.xlsx；其他结构（巡视、只公布总数、四级标题、无方面）在 examples 文件夹中。

四、常见问题
- 文件夹搬到别处或改名后“启动”报错：再双击一次“安装”。
- Python 被卸载或升级后“启动”报错：再双击一次“安装”。
- 安装失败：把窗口中的提示拍照或复制发给信息化人员。

五、给信息化人员
- wheels 文件夹中是本工具和全部依赖的安装文件（{"、".join(targets)}；Python {low}–{high}）。
- 手工安装：python -m venv .venv，然后
  .venv/bin/python -m pip install --no-index --find-links wheels rectify（Windows 为 .venv\\Scripts\\python.exe）。
- 命令行使用：.venv/bin/python -m pipeline --help（Windows 为 .venv\\Scripts\\python.exe -m pipeline --help）。
"""


def launcher_files(version: str, pythons: tuple[str, ...], targets: list[str]) -> dict[str, tuple[str, bool, bool]]:
    """Every text file of the bundle besides the wheels and ledgers: name -> (text, CRLF, BOM)."""
    return {
        "安装.bat": (install_bat(version, pythons), True, False),
        "启动.bat": (start_bat(version), True, False),
        "安装.sh": (install_sh(version, pythons), False, False),
        "启动.sh": (start_sh(version), False, False),
        # Notepad before Windows 10 1903 reads UTF-8 reliably only with a BOM.
        "说明.txt": (readme_txt(version, pythons, targets), True, True),
    }
