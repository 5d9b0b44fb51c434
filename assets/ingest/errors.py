"""Why a file cannot be registered: one class per kind, so callers branch on the kind, not prose.

Each is an InvalidInput (400) whose context carries the path as the client sent it.
"""

from __future__ import annotations

from mam.errors import InvalidInput


class FileRejected(InvalidInput):
    """A file named by a client or an operator cannot be registered; the subclass says why."""


class MalformedPath(FileRejected):
    """The string itself is unusable: empty, too long, NUL, backslashes, control characters."""


class OutsideMediaFolder(FileRejected):
    """Absolute, `..`, `~`, or a symlink leading out of MEDIA_BASE_PATH."""


class FileMissing(FileRejected):
    """Nothing exists at the path."""


class FileUnreadable(FileRejected):
    """It exists but cannot be opened or resolved (permissions, symlink loops)."""


class NotAFile(FileRejected):
    """A directory, FIFO, device or socket: not a regular file."""


class UnsupportedType(FileRejected):
    """The extension is not one MAM handles."""


class ContentMismatch(FileRejected):
    """The file's bytes are not what its extension claims."""
