"""User-facing errors. The CLI catches PipelineError once and prints its Chinese message."""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error whose message is meant for the user (in Chinese, saying what to do)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkbookError(PipelineError):
    """Raised when a file cannot be read as a ledger workbook at all (not .xlsx, encrypted, damaged)."""


class OutputExistsError(PipelineError):
    """Raised when a command would overwrite a file or folder the user already has."""


class TemplateError(PipelineError):
    """Raised when a template is missing, unreadable, or has tags docxtpl cannot render."""


class ArchiveError(PipelineError):
    """Raised when the output folder cannot be written (permissions, full disk)."""


class UsageError(PipelineError):
    """Raised when a command's arguments cannot work (wrong extension, missing folder)."""
