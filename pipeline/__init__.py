"""rectify: turn a rectification ledger workbook into the official notice and three checklists."""

__version__ = "0.1.0"
