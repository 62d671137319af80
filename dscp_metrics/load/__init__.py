"""Loading partner extracts (`extracts.md` v2): the contract, the checks and the store writer.

One job per module: `model.py` (column and extract types), `extracts/` (the
declarations), `contract.py` (the one place to import them from), `read.py`
(a file to records with line numbers), `scan.py` (its byte scans), `checks.py` (per-cell checks in SQL),
`rules.py` (rules across columns and rows), `validate.py` (one file's
accepted rows and rejects), `store_write.py` (the swap), `tables.py` (the
store's own tables), `report.py` (what a load did), `folder.py`
(`load_folder`).
"""

from .contract import EXTRACTS, get_extract
from .folder import load_folder
from .report import FileReport, LoadReport
from .tables import read_rejects
from .validate import validate_extract

__all__ = ["EXTRACTS", "FileReport", "LoadReport", "get_extract", "load_folder", "read_rejects", "validate_extract"]
