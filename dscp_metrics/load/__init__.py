"""Loading partner extracts: the contract, the checks and the store writer."""

from .contract import EXTRACTS, get_extract
from .loader import LoadReport, load_folder, read_rejects, validate_extract

__all__ = ["EXTRACTS", "LoadReport", "get_extract", "load_folder", "read_rejects", "validate_extract"]
