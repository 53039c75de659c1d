"""The built-in templates, recognised by their bytes.

A checklist rendered from a template byte for byte the same as one this version builds
(`pipeline.documents.builder`, committed in `templates/`) is known to give well-formed XML whose table
grids docxtpl would leave alone, with no external or executable content: the render skips checking
that again (it was a third of the time of a 10,000-row checklist). Any other template, an office's
edited copy included, is checked in full. A test holds these digests to what build_templates() writes;
`python -m pipeline.documents.builder` rewrites templates/ and these digests (builtin.json) together."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DIGESTS_FILE = Path(__file__).with_name("builtin.json")
BUILTIN_SHA256: dict[str, str] = json.loads(DIGESTS_FILE.read_text(encoding="utf-8"))


def is_builtin(path: Path) -> bool:
    """True when the template at `path` is, byte for byte, one of this version's built-in templates."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    return is_builtin_bytes(data)


def is_builtin_bytes(data: bytes) -> bool:
    """True when `data` is, byte for byte, one of this version's built-in templates."""
    return hashlib.sha256(data).hexdigest() in _DIGESTS


_DIGESTS = frozenset(BUILTIN_SHA256.values())
