"""rectify: turn a rectification ledger workbook into the official notice and its checklists."""

__version__ = "0.1.0"
