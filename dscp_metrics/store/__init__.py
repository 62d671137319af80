"""The DuckDB store: opening it read-only, and the lock that serialises its writers."""

from .lock import DEFAULT_WAIT_S, lock_path, store_lock
from .read import STORE, open_store, read_load_id, read_load_log, reader_connection, store_tables

__all__ = ["DEFAULT_WAIT_S", "STORE", "lock_path", "open_store", "read_load_id", "read_load_log",
           "reader_connection", "store_lock", "store_tables"]
