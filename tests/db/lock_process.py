"""A process that takes a named lock, says so in a file, and holds it (tests/db/test_locks.py kills or waits for it).

Usage: python -m tests.db.lock_process URL NAME WHO HOLD_SECONDS READY_FILE
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from db.locks import named_lock


def main() -> None:
    url, name, who, hold, ready = sys.argv[1:6]
    with named_lock(name, url=url, who=who, wait=30):
        Path(ready).write_text("held")
        time.sleep(float(hold))
        Path(ready).write_text("releasing")  # still inside: whoever gets the lock next must find this
    print("released")


if __name__ == "__main__":
    main()
