"""The Excel-facing modules: ``udfs`` (worksheet functions) and ``scripts`` (buttons)."""
