"""The built-in templates, recognised by their bytes.

A checklist rendered from a template byte for byte the same as one this version builds
(`pipeline.template_builder`, committed in `templates/`) is known to give well-formed XML whose table
grids docxtpl would leave alone, with no external or executable content: the render skips checking
that again (it was a third of the time of a 10,000-row checklist). Any other template, an office's
edited copy included, is checked in full. A test holds these digests to what build_templates() writes;
`python -m pipeline.template_builder` rewrites templates/ and these digests together.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

BUILTIN_SHA256 = {
    "任务清单.docx": "4e420aec1e66e647f00b26b9b1f09d104ad8328c5e242450469246da44d8d902",
    "督办清单.docx": "a37fbe667f1f73b2e57359835ad8a45b4e480f7ed88270bfc5eb69918c206eb6",
    "责任清单.docx": "3aab4377e6da561c5458034ce73d019869f1a65aab3b86e3ebdf76b517793842",
    "通报.docx": "b2ca535bde779b2989561d69fe92482226fe754732702d29a177659847208ebe",
    "问题清单.docx": "8c455a5db93cc44966bb909534b401261559b07f7c5ae20d232a7518039aea96",
}


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
