"""Everything that leaves the analyst's session as data: CSV, JSON (and spreadsheets)."""
