"""The ledger stage: the workbook's schema, its safe reading, conversion, the typed model, assembly and rules,
the blank ledger and its guide, the numbering scheme and the placeholders."""
