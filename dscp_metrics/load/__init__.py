"""Loading partner extracts (`extracts.md` v2): the contract, the checks and the store writer.

One job per module: `model.py` (column and extract types), `extracts/` (the
declarations), `contract.py` (the one place to import them from), `read.py`
(a file to records with line numbers), `scan.py` (its byte scans), `checks.py` (per-cell checks in SQL),
`rules.py` (rules across columns and rows), `validate.py` (one file's
accepted rows and rejects), `store_write.py` (the swap), `tables.py` (the
store's own tables), `report.py` (what a load did), `folder.py`
(`load_folder`).
"""

from importlib import import_module

_FROM = {"EXTRACTS": "contract", "get_extract": "contract", "load_folder": "folder", "FileReport": "report",
         "LoadReport": "report", "read_rejects": "tables", "validate_extract": "validate"}


def __getattr__(name: str):
    """Each name from its module on first use: the indicator declarations read the contract's vocabularies
    (`load.contract`) without importing the loader and its readers."""
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_FROM[name]}", __name__), name)

__all__ = ["EXTRACTS", "FileReport", "LoadReport", "get_extract", "load_folder", "read_rejects", "validate_extract"]
