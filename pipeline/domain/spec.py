"""The layout of a bidang's workbook, defined once for the writer and the reader.

Contract (other tools and the tests rely on it): a sheet named ``Isian`` whose header row
holds the literal labels ``Kode``, ``x1`` and ``x2``; one row per indicator the unit
reports; ``Kode`` is the indicator's code in the master. The reader finds the header row
and the columns by these labels, so rows inserted above the table or columns moved by a
user do not shift anything; data rows are identified by Kode, never by position.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .periods import roman

if TYPE_CHECKING:
    from .master import Indicator, Master

TEMPLATE_VERSION = "1"
DOC_KIND = "iku-isian"  # marks a workbook as one of ours

SHEET = "Isian"
META_SHEET = "Metadata"  # hidden; also mirrored in the workbook's custom properties

TITLE_ROW = 0  # 0-based rows, as xlsxwriter counts
HEADER_ROW = 7  # row 8 in Excel: rows above hold the title and the instructions block
FIRST_DATA_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header text; Kode, x1 and x2 are part of the contract
    width: float
    is_input: bool = False  # unlocked and highlighted for the bidang staff
    is_number: bool = False  # an input cell (a number, or a label chosen from a list)


COLUMNS: tuple[Column, ...] = (
    Column("no", "No", 5),
    Column("code", "Kode", 9),
    Column("indicator", "Indikator Kinerja", 40),
    Column("x1_meaning", "Arti x1", 30),
    Column("x1", "x1", 12, is_input=True, is_number=True),
    Column("x2_meaning", "Arti x2", 30),
    Column("x2", "x2", 12, is_input=True, is_number=True),
    Column("realisation", "Realisasi (y)", 13),
    Column("target", "Target", 10),
    Column("achievement", "% Capaian", 11),
    Column("note", "Catatan", 30, is_input=True),
    # Year-end analysis: causes of success or shortfall and the solutions, in the unit's
    # words; the LKjIP chapter (pipeline/lkjip) prints it, attributed to the unit. Optional:
    # a workbook without this column (made before it existed) is read as before.
    Column("analysis", "Analisis", 40, is_input=True),
)

COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
REQUIRED_LABELS = ("Kode", "x1", "x2")
TEXT_KEYS = ("note", "analysis")  # free-text input columns, carried as typed

# Metadata written to the hidden sheet (key in column A, value in column B) and to the
# workbook's custom document properties. Keys are Indonesian: users may see them.
META_KEYS = (
    "jenis_dokumen",  # DOC_KIND
    "versi_template",  # TEMPLATE_VERSION
    "instansi",  # agency name
    "tahun",  # reporting year
    "kode_unit",  # unit code in the master
    "nama_unit",
    "sidik_definisi",  # fingerprint of the indicator definitions shown, to spot edits
    "periode",  # the round: TW1 … TW4, or tahunan (absent in older workbooks: tahunan)
)

# The pipeline's own workbooks, recognised by their metadata when found among submissions:
DOC_KIND_PROBLEM_LIST = "iku-daftar-masalah"  # jenis_dokumen of `iku validate --report`
COPY_OF_KEY = "salinan_perbaikan"  # in a highlighted copy: the file it was copied from
COPY_VALUES_KEY = "sidik_isi"  # ... and the fingerprint of its values when written

# Text starting with one of these can be taken for a formula when a user edits the cell or
# exports it (OWASP "CSV injection"): every workbook the pipeline writes stores such text
# as a string with Excel's quote prefix, never as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Largest count we accept in x1/x2; above it is surely a typing mistake.
MAX_COUNT = 1_000_000_000


def col_letter(index: int) -> str:
    """0-based column index to Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based row and column to an A1 reference."""
    return f"{col_letter(col)}{row + 1}"


def parse_cell_ref(ref: str) -> tuple[int, int]:
    """An A1 reference to 0-based (row, column): the inverse of ``cell_ref``."""
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


NOT_ASKED_MEANING = "(tidak diisi untuk indikator jenis {kind})"
SHOWN_KEYS = ("indicator", "x1_meaning", "x2_meaning")


def shown_definition(ind: Indicator) -> tuple[str, str, str]:
    """The definition texts a workbook shows for an indicator, in SHOWN_KEYS order. The
    writer writes them; the validator compares returned workbooks against them."""
    x2 = (ind.x2_meaning or "") if ind.asks_x2 else NOT_ASKED_MEANING.format(kind=ind.kind.value)
    return f"{ind.name}\ny = {ind.y_meaning}", ind.x1_meaning, x2


# --- the quarterly workbook (issue 10) ---------------------------------------------------
# The same contract (sheet Isian, labels Kode, x1, x2, one row per indicator): x1 and x2
# are the quarter's own figures. The period decides the other columns: a quarter shows the
# earlier quarters' accepted figures (read-only, from the history) and the year so far,
# and asks Kendala and Tindak lanjut instead of Catatan. The reader finds every column by
# its label, so a workbook of either round reads with the same code.

PERIOD_KEY = "periode"
QUARTER_TEXTS: tuple[Column, ...] = (
    Column("obstacles", "Kendala", 30, is_input=True),
    Column("follow_up", "Tindak lanjut", 30, is_input=True),
)
# Every label the reader knows, of either round.
READ_COLUMNS: tuple[Column, ...] = COLUMNS + QUARTER_TEXTS


def quarter_columns(n: int) -> tuple[Column, ...]:
    """The columns of quarter n's workbook: per input its meaning, the earlier quarters'
    figures, the quarter's own (the contract's x1 / x2) and the year so far."""

    def group(key: str) -> tuple[Column, ...]:
        earlier = tuple(Column(f"{key}_tw{q}", f"{key} TW {roman(q)}", 9)
                        for q in range(1, n))
        total = (Column(f"{key}_total", f"{key} s.d. TW {roman(n)}", 10),) if n > 1 else ()
        meaning = COLUMNS[COLUMN_INDEX[f"{key}_meaning"]]
        return (meaning, *earlier, COLUMNS[COLUMN_INDEX[key]], *total)

    return (
        *COLUMNS[:COLUMN_INDEX["x1_meaning"]],  # No, Kode, Indikator Kinerja
        Column("rule", "Akumulasi", 18),  # what to type: the quarter's flow, or a stock
        *group("x1"),
        *group("x2"),
        Column("realisation", f"Realisasi s.d. TW {roman(n)}", 13),
        Column("target", f"Target TW {roman(n)}", 10),
        Column("achievement", "% Capaian", 11),
        Column("year_target", "Target Tahun", 10),
        *QUARTER_TEXTS,
    )


# --- finding the table and recognising the definitions (writer and reader agree) ---

HEADER_SEARCH_ROWS = 60  # the header row is looked for in the first rows only


def find_header(grid: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and column key -> 0-based column, found by the labels."""
    needed = len(_REQUIRED_FOLDED)
    for r, line in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if len(line) - line.count("") < needed:
            continue  # fewer cells than labels needed (a title, a blank row): no header
        # an empty cell ("") would only add the key "", which names no column
        found = {
            str(v).strip().casefold(): i for i, v in enumerate(line) if isinstance(v, str) and v
        }
        if _REQUIRED_FOLDED <= found.keys():
            columns = {_LABEL_KEYS[text]: i for text, i in found.items() if text in _LABEL_KEYS}
            return r, columns
    return None


# find_header's lookups, made once: label (case-folded) -> column key, and the labels a
# header row must hold
_LABEL_KEYS = {c.label.casefold(): c.key for c in READ_COLUMNS}
_REQUIRED_FOLDED = frozenset(label.casefold() for label in REQUIRED_LABELS)


def definition_fingerprint(master: Master, unit_code: str, inputs=None,
                           indicators: list[Indicator] | None = None) -> str:
    """Short sha256 (16 hex digits) of the indicator definitions shown to one unit.

    Covers, per indicator in master order: code, name, kind, the meanings of y, x1 and x2,
    and the target. The template stores it as ``sidik_definisi``; a reader recomputing a
    different value knows the definitions changed since the template was issued.
    ``inputs(ind)``: the indicator's input rules when the caller holds them already
    (default ``ind.rules.inputs(ind)``; the same rules, the same fingerprint);
    ``indicators``: ``master.indicators_of(unit_code)`` when the caller holds it.
    """
    rows = []
    append = rows.append
    for ind in (master.indicators_of(unit_code) if indicators is None else indicators):
        rules = ind.rules  # the kind's rules, looked up once (``ind.asks_x2`` is rules')
        target = ind.target
        row = [
            ind.code,
            ind.name,
            ind.kind.value,
            ind.y_meaning,
            ind.x1_meaning,
            ind.x2_meaning if rules.asks_x2 else None,
            list(target) if isinstance(target, tuple) else target,
        ]
        extra = _rule_fingerprint(ind, rules.inputs(ind) if inputs is None else inputs(ind))
        if extra:
            row += extra
        # the quarters it is measured in decide which cells a quarter's workbook asks
        # (only when given, so the fingerprints of existing workbooks stay valid)
        if ind.measured:
            row.append(["diukur_triwulan", list(ind.measured)])
        append(row)
    text = _FINGERPRINT_JSON.encode(rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ``json.dumps(rows, ensure_ascii=False, separators=(",", ":"))``, made once: the rows are
# fresh lists of plain values (never circular), so the circularity bookkeeping is skipped
_FINGERPRINT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                                     check_circular=False)


def _rule_fingerprint(ind: Indicator, rules: tuple) -> list:
    """What the inputs (``rules``: the indicator's input rules) may hold, beyond the
    original fields: only when it differs from a plain percentage, so the fingerprints of
    existing percentage workbooks stay valid (tests/test_validate_fast.py holds this to the
    list comparison it replaced)."""
    if len(rules) == 2 and ind.multiplier == 1:  # the plain percentage, tested field by
        x1, x2 = rules  # field as the list comparison below compares them
        if (x1.key, x1.negative, x1.whole, x2.key, x2.negative, x2.whole) == _PLAIN_RULES \
                and not x1.choices and not x2.choices:
            return []
    extra = [[r.key, list(r.choices), r.negative, r.whole] for r in rules]
    if len(extra) != 2:  # never the plain pair
        return [extra, ind.multiplier]
    plain = [["x1", [], False, True], ["x2", [], False, True]]
    return [] if extra == plain and ind.multiplier == 1 else [extra, ind.multiplier]


_PLAIN_RULES = ("x1", False, True, "x2", False, True)
