"""Why processing can fail: permanently (the file) or transiently (the machine)."""

from __future__ import annotations


class ProcessingError(Exception):
    """Processing a file failed; the message is readable and holds no server path."""

    reason_class = "error"


class CorruptMedia(ProcessingError):
    """The file cannot be decoded, is hostile, or is not what it claims: retrying won't help."""

    reason_class = "corrupt"


class FileChanged(ProcessingError):
    """The file vanished or changed since it was registered."""

    reason_class = "file_changed"


class DecoderTimeout(ProcessingError):
    """A decoder ran past its per-file time limit."""

    reason_class = "timeout"


class TransientProcessingError(ProcessingError):
    """The machine, not the file, failed (I/O error, missing tool, full disk): worth a retry."""

    reason_class = "transient"
