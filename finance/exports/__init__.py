"""Finance CSV exports: one module per export, the registry, and the files (streamed, snapshot-aware)."""

from finance.exports.context import ExportContext, ExportError, ExportSpec
from finance.exports.files import (
    ExportReport,
    build_live,
    check_period,
    export_chunks,
    file_name,
    locked_months,
    read_rows,
    record_export,
    totals,
    write_export,
)
from finance.exports.registry import EXPORTS, get_spec

__all__ = [
    "EXPORTS",
    "ExportContext",
    "ExportError",
    "ExportReport",
    "ExportSpec",
    "build_live",
    "check_period",
    "export_chunks",
    "file_name",
    "get_spec",
    "locked_months",
    "read_rows",
    "record_export",
    "totals",
    "write_export",
]
