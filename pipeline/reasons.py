"""Every reason code a ``Problem`` can carry, in one place (like pandera's SchemaErrorReason).

A reason code is the stable, machine-readable half of a problem: tests, the problem-list
workbook and anyone scripting around ``iku`` key on it, while the Indonesian message may
be reworded. Each member says what it means and which stage produces it; docs/ALASAN.md
is generated from this enum (``python -m pipeline.reasons > docs/ALASAN.md``) and a test
keeps the two in step, checks that every member is documented and exercised by a test,
and that no module builds a Problem from a bare string.

Add a code here first, then use ``Reason.NEW_CODE`` where the problem is made.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """A problem's reason code; ``.doc`` says what it means, ``.stage`` who reports it."""

    doc: str
    stage: str

    def __new__(cls, value: str, stage: str, doc: str) -> Reason:
        member = str.__new__(cls, value)
        member._value_ = value
        member.stage = stage
        member.doc = doc
        return member

    # --- the safety gate (pipeline/intake/safety.py, intake/odf.py): the file is refused -----
    SYMLINK = "symlink", "gate", "the path is a symbolic link"
    DIRECTORY = "directory", "gate", "the path is a folder named like a workbook (x.xlsx)"
    SPECIAL_FILE = "special_file", "gate", "the path is a FIFO, socket or device"
    NOT_FOUND = "not_found", "gate", "the file vanished while being inspected, or a dangling path"
    UNREADABLE_FILE = (
        "unreadable_file", "gate", "the operating system refused to open or read the file "
        "(permissions, a lock)")
    EMPTY = "empty", "gate", "a 0-byte file"
    FILE_TOO_LARGE = "file_too_large", "gate", "the file is larger than safety.MAX_FILE_SIZE"
    ENCRYPTED = (
        "encrypted", "gate", "an OLE2 container with an EncryptionInfo stream: a "
        "password-protected workbook")
    XLS_LEGACY = "xls_legacy", "gate", "an OLE2 compound file: legacy .xls or another old format"
    NOT_ZIP = "not_zip", "gate", "not a zip at all: text/CSV, HTML, PDF, an image… renamed"
    CORRUPT_ZIP = (
        "corrupt_zip", "gate", "a truncated or corrupt zip (directory, local header, inflate, "
        "CRC)")
    ZIP_UNSUPPORTED = (
        "zip_unsupported", "gate", "zip-level encryption or a compression method Excel and "
        "LibreOffice never write")
    ZIP_DUPLICATE = "zip_duplicate", "gate", "two zip entries with the same name (ignoring case)"
    TOO_MANY_ENTRIES = (
        "too_many_entries", "gate", "more than safety.MAX_ENTRIES zip entries, or a central "
        "directory too big")
    ZIP_BOMB = (
        "zip_bomb", "gate", "uncompressed total or ratio over the limits, or an entry that "
        "inflates to more than its declared size")
    PART_TOO_LARGE = (
        "part_too_large", "gate", "[Content_Types].xml, workbook.xml or its rels over "
        "safety.MAX_MAIN_PART_SIZE")
    SHARED_STRINGS_TOO_LARGE = (
        "shared_strings_too_large", "gate", "sharedStrings.xml over "
        "safety.MAX_SHARED_STRINGS_SIZE")
    ZIP_NOT_WORKBOOK = (
        "zip_not_workbook", "gate", "a zip that is no spreadsheet: .docx, .pptx, .xlsb, an "
        "OpenDocument text, a plain zip")
    MACRO = (
        "macro", "gate", "a VBA project, macro sheet, macro-enabled content type, or "
        "OpenDocument Basic/scripts")
    XML_DOCTYPE = "xml_doctype", "gate", "a DOCTYPE or ENTITY declaration in an XML part"
    XML_ENCODING = (
        "xml_encoding", "gate", "an XML part declared in an encoding the byte scan cannot "
        "see through")
    XML_INVALID = (
        "xml_invalid", "gate", "a main XML part (or an .ods content.xml) that is not "
        "well-formed, or a worksheet row/cell tag with more than 32 or unquoted attributes")
    SHEET_TOO_BIG = (
        "sheet_too_big", "gate", "a sheet whose cells reach past safety.MAX_ROWS / MAX_COLS, "
        "with too many cells or tags, or sheet parts over safety.MAX_SHEETS_SIZE")
    INSPECT_FAILED = (
        "inspect_failed", "gate", "an unexpected error while inspecting (a bug): the file is "
        "refused, never a traceback")

    # --- reading (pipeline/intake/reader.py): the folder and each workbook ---------------------
    NO_WORKBOOKS = "no_workbooks", "reader", "the inputs folder holds no workbook at all"
    OTHER_FILE_IGNORED = (
        "other_file_ignored", "reader", "a file in the inputs folder that is not a "
        "spreadsheet (PDF, Word…): ignored, warning")
    MACRO_FORMAT = (
        "macro_format", "reader", "a macro or binary workbook by its extension (.xlsm, "
        ".xltm, .xlsb)")
    UNREADABLE_WORKBOOK = (
        "unreadable_workbook", "reader", "the file passed the gate but python-calamine "
        "could not open it")
    META_MISSING = "meta_missing", "reader", "the hidden Metadata sheet is missing"
    META_KIND = (
        "meta_kind", "reader", "the Metadata sheet does not mark the file as an IKU "
        "submission")
    SHEET_MISSING = "sheet_missing", "reader", "the Isian sheet is missing or renamed"
    HEADER_MISSING = (
        "header_missing", "reader", "no header row with the labels Kode, x1 and x2 in the "
        "Isian sheet")
    FOLDER_IGNORED = (
        "folder_ignored", "reader", "a sub-folder of the inputs folder: not searched, "
        "warning")
    SHEET_COPY = (
        "sheet_copy", "reader", "another sheet (e.g. 'Isian (2)') holds the Isian table with "
        "values typed in: an error when they differ from the Isian sheet, else a warning; "
        "only the Isian sheet is read")
    OWN_PROBLEM_LIST = (
        "own_problem_list", "reader", "the problem list `iku validate --report` writes, "
        "found among the submissions (recognised by its metadata): skipped, warning")
    OWN_MARKED_COPY = (
        "own_marked_copy", "reader", "a highlighted copy written by `iku validate --report` "
        "and not corrected since (recognised by its metadata and a fingerprint of its "
        "values): skipped, warning")

    # --- whole submissions (pipeline/intake/validate.py) ---------------------------------------
    META_YEAR = "meta_year", "validate", "the workbook is for another year"
    META_AGENCY = "meta_agency", "validate", "the workbook belongs to another agency"
    META_UNIT = "meta_unit", "validate", "the unit code in the metadata is not in the master"
    DUPLICATE_UNIT = "duplicate_unit", "validate", "two or more files claim the same unit"
    UNIT_MISSING = (
        "unit_missing", "validate", "a reporting unit sent no workbook (none of the files "
        "was refused)")
    UNIT_REFUSED = (
        "unit_refused", "validate", "a reporting unit's workbook was refused (by the gate or "
        "the reader): names the file and why; its indicators are 'tidak sah', not 'belum "
        "diisi'")
    TEMPLATE_OUTDATED = (
        "template_outdated", "validate", "the workbook was made from an older master (its "
        "sidik_definisi differs): says which indicators were added, removed or reworded; an "
        "error when indicators were added or removed, else a warning")

    # --- rows and cells (pipeline/intake/validate.py) ------------------------------------------
    HIDDEN_MERGED = (
        "hidden_merged", "validate", "an x1/x2 cell covered by a merged cell: its value is "
        "hidden behind the merged cell's text")
    CODE_BLANK = "code_blank", "validate", "a row holds values but no Kode"
    CODE_UNKNOWN = "code_unknown", "validate", "a Kode the unit does not report"
    CODE_DUPLICATE = "code_duplicate", "validate", "a Kode appearing twice in one sheet"
    CODE_MISSING = "code_missing", "validate", "an indicator row of the unit is missing"
    DEFINITION_EDITED = (
        "definition_edited", "validate", "an indicator's definition text differs from the "
        "master in a current template (edited in the file): warning")
    EXCEL_ERROR = "excel_error", "validate", "an x1/x2 cell holds an error value (#DIV/0!, #REF!…)"
    FORMULA = "formula", "validate", "an x1/x2 cell holds a formula instead of a number"
    BLANK = "blank", "validate", "x1/x2 left empty"
    NOT_NUMBER = "not_number", "validate", "x1/x2 holds a logical value (TRUE/FALSE)"
    DATE = "date", "validate", "x1/x2 holds a date or time"
    PERCENT = "percent", "validate", "x1/x2 holds a percentage typed as text ('75%')"
    PERCENT_FORMAT = (
        "percent_format", "validate", "x1/x2 holds a number shown as a percentage (typed "
        "'75%' in Excel or Calc: stored 0.75 with a percent format, read from the cell's "
        "style, or an .ods cell of value type percentage)")
    TEXT = "text", "validate", "x1/x2 holds text that is no number"
    NUMBER_AS_TEXT = (
        "number_as_text", "validate", "x1/x2 holds a number typed as text in Indonesian "
        "format ('1.234'): accepted, warning")
    NOT_FINITE = "not_finite", "validate", "x1/x2 holds infinity or NaN"
    NEGATIVE = "negative", "validate", "x1/x2 below 0 where the master does not allow it"
    COUNT_TOO_LARGE = "count_too_large", "validate", "x1/x2 beyond ±spec.MAX_COUNT"
    NOT_INTEGER = (
        "not_integer", "validate", "x1/x2 is a fraction where a count (whole number) is "
        "expected; often a thousands separator read as a decimal point")
    NOT_CHOICE = (
        "not_choice", "validate", "x1 of a predikat / ya-tidak indicator is not one of the "
        "labels of its list")
    X2_ZERO = "x2_zero", "validate", "x2 is 0 (or the indicator's summed x2 is 0)"
    X1_GT_X2 = "x1_gt_x2", "validate", "x1 above x2 for a share of a whole: warning"
    NOTE_TOO_LONG = (
        "note_too_long", "validate", "a Catatan over validate.MAX_NOTE characters: warning")
    ANALYSIS_TOO_LONG = (
        "analysis_too_long", "validate", "an Analisis over validate.MAX_ANALYSIS characters: "
        "warning")
    X2_HISTORY_DIFFERS = (
        "x2_history_differs", "validate", "the x2 shown in the workbook (last year's value, "
        "filled from the history and locked) was changed: the history's value is used; "
        "warning")
    SAME_DIFFERS = (
        "same_differs", "validate", "a `gabung: sama` figure differs between its reporting "
        "units (one problem names every cell)")

    # --- quarters (issue 10: pipeline/intake/validate.py; pipeline/run.py for the last one) -----
    QUARTER_OTHER = (
        "quarter_other", "validate", "a quarterly workbook of another quarter than the one "
        "being processed (or an unknown periode in its metadata): names both")
    QUARTER_ANNUAL = (
        "quarter_annual", "validate", "the year-end workbook sent in a quarterly round")
    ANNUAL_QUARTER = (
        "annual_quarter", "validate", "a quarterly workbook sent in the year-end round")
    QUARTER_WENT_DOWN = (
        "quarter_went_down", "validate", "the year so far of an x1/x2 went down since the "
        "previous quarter where its akumulasi says it should not (jumlah: a negative "
        "quarter figure; terakhir: a count, a stock, below last quarter's): warning")
    QUARTER_NOT_MEASURED = (
        "quarter_not_measured", "validate", "a figure typed for an indicator in a quarter "
        "it is not measured in (the master's diukur_triwulan; the cell is locked and says "
        "\"Diukur di TW IV\"): not used; warning")
    QUARTER_FIGURE_MISSING = (
        "quarter_figure_missing", "validate", "iku report --dari-triwulan (the runner's check "
        "stage): a reporting unit has no figure for an indicator in TW IV as recorded (the "
        "master changed since)")
    RECORDED_FIGURE_MISSING = (
        "recorded_figure_missing", "validate", "iku lkjip from the recorded year "
        "(pipeline/lkjip/year.py): a reporting unit has no figure for an indicator in the "
        "year's recorded version (the master changed since the yearly report was made)")

    # --- importing earlier years (pipeline/history/importer.py) -------------------------
    IMPORT_HEADER_MISSING = (
        "import_header_missing", "import", "no sheet has a header row with the required labels")
    IMPORT_YEAR_MISSING = (
        "import_year_missing", "import", "no Tahun column and no year in the title")
    IMPORT_MANY_YEARS = (
        "import_many_years", "import", "no Tahun column and a title naming several years")
    IMPORT_EMPTY = "import_empty", "import", "a header row and no indicator row under it"
    IMPORT_AGENCY_BLANK = "import_agency_blank", "import", "the Instansi cell is blank"
    IMPORT_YEAR = "import_year", "import", "Tahun not a whole number 2000-2100"
    IMPORT_PERIOD = "import_period", "import", "Periode not tahunan / TW1-TW4"
    IMPORT_CODE_BLANK = "import_code_blank", "import", "the Kode cell is blank"
    IMPORT_CODE = "import_code", "import", "Kode (or Kode lama) not of the master's Kode form"
    IMPORT_NAME_BLANK = "import_name_blank", "import", "the Indikator cell is blank"
    IMPORT_KIND = "import_kind", "import", "Jenis not one of the kinds (pipeline/domain/kinds.py)"
    IMPORT_TARGET = (
        "import_target", "import", "Target not a number, NA, a range or (for label kinds) a "
        "label")
    IMPORT_TARGET_HIGH = (
        "import_target_high", "import", "Target atas not a number >= Target, or given "
        "without Target")
    IMPORT_REALISATION = (
        "import_realisation", "import", "Realisasi text for a kind that takes numbers")
    IMPORT_ACHIEVEMENT = "import_achievement", "import", "Capaian not a number"
    IMPORT_PERCENT_FORMAT = (
        "import_percent_format", "import", "a number shown as a percentage (an Excel or Calc "
        "percent cell: 90% is stored as 0.9, read from the cell's style; an .ods cell of "
        "value type percentage) in Tahun, Target, Target atas, Realisasi or Capaian: "
        "refused, as a submission's x1/x2 is (never a silent factor of 100)")
    IMPORT_CELL_ERROR = (
        "import_cell_error", "import", "an Excel error value (#DIV/0!, #REF!, …) in a number "
        "column, which would otherwise read as blank")
    IMPORT_YEAR_FUTURE = (
        "import_year_future", "import", "Tahun after the current calendar year: a year that "
        "has not begun has no figures")
    IMPORT_YEAR_RUNNING = (
        "import_year_running", "import", "the yearly figures of the current calendar year, "
        "which is not over: imported, with a warning")
    IMPORT_DUPLICATE = (
        "import_duplicate", "import", "the same agency, year, period and Kode twice")
    IMPORT_SASARAN = (
        "import_sasaran", "import", "a sasaran's yearly average row (Kode blank, Sasaran "
        "filled) without a whole sasaran number or without its Capaian")
    IMPORT_LOCKED = "import_locked", "import", "the year is locked in the history"
    IMPORT_REPLACES = (
        "import_replaces", "import", "the year is already recorded: the import becomes a new "
        "version (warning)")

    # --- the master against the history (pipeline/history/report.py) --------------------
    HISTORY_DIFFERS = (
        "history_differs", "master", "a previous-year figure typed in the master differs "
        "from the one recorded in the history (the master's wins); warning")

    # --- what no longer holds together (pipeline/history/integrity.py; the runner's prior) ------
    HISTORY_STALE = (
        "history_stale", "history", "a recorded period was built from another period that "
        "was recorded again with other figures since (stale: rebuild it with the command "
        "named), or the report at a version's path is not the one recorded with it; "
        "warning")

    # --- the master (pipeline/domain/master.py missing_texts) -----------------------------------
    MASTER_TEXT_MISSING = (
        "master_text_missing", "master", "an optional text the report would print is not in "
        "the master (tugas, sumber data, …): that part is left out; warning")

    # --- the Perjanjian Kinerja (pipeline/pk/model.py gaps, pipeline/pk/run.py) ----------------
    PK_BLANK = (
        "pk_blank", "master", "the Perjanjian Kinerja prints dots to fill in by hand where the "
        "master gives nothing: a party's name, the PK's date (tanggal_pk; also said when it "
        "is not in the PK's year), the programs or their names; warning")
    PK_DATE_ORDER = (
        "pk_date_order", "master", "a PK Perubahan is dated on or before the PK it changes "
        "(tanggal_pk not updated for the revision); warning")

    # --- the collection page (pipeline/web/checks.py) -----------------------------------
    UPLOAD_OTHER_UNIT = (
        "upload_other_unit", "web", "a workbook uploaded through one unit's link belongs to "
        "another unit of the master: refused")
    UPLOAD_NOT_READ = (
        "upload_not_read", "web", "an upload with no error of its own that is still not a "
        "submission of the unit (e.g. an uncorrected highlighted copy, skipped)")
    UPLOAD_LIMIT = (
        "upload_limit", "web", "an upload beyond its unit's limits on the collection page "
        "(uploads in a period, versions or bytes kept: store.Quota): not checked, not stored")


def render_table() -> str:
    """docs/ALASAN.md: every reason code with its stage and meaning."""
    lines = [
        "# Reason codes",
        "",
        "Generated from `pipeline/reasons.py` (`python -m pipeline.reasons > docs/ALASAN.md`). "
        "Every problem `iku` reports carries one of these codes (the `Problem.code`); the "
        "Indonesian message may change, the code does not.",
        "",
        f"{len(Reason)} codes.",
        "",
        "| code | stage | meaning |",
        "| --- | --- | --- |",
    ]
    for member in Reason:
        lines.append(f"| `{member.value}` | {member.stage} | {member.doc.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_table(), end="")
