"""The default templates, built from GB/T 9704 numbers with python-docx and hand-written OOXML."""
