"""Finance exports: one module per export, the registry, and the files (CSV streamed and snapshot-aware; XLSX
built from the same CSV rows)."""

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
    xlsx_bytes,
)
from finance.exports.registry import EXPORTS, get_spec
from finance.exports.xlsx import XLSX_MIME

__all__ = [
    "EXPORTS",
    "XLSX_MIME",
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
    "xlsx_bytes",
]
