"""Pure text helpers: numerals, dates (exact and loose), punctuation, names."""
