"""What a file is, decided from its content, never from its extension.

- a ZIP archive holding a workbook part is an ``.xlsx``/``.xlsm`` workbook; other ZIP files (ODS,
  Word documents, plain archives) are refused with a message saying what they are;
- an OLE2 compound file is either an old ``.xls`` workbook or a password-protected workbook (the
  encrypted package of Office lives in an OLE2 container): the directory tells them apart;
- anything else is text, read as JSON or CSV by the readers; binary junk, PDF, HTML or XML files
  are refused.

The size limits of a workbook (unpacked size, entries, compression ratio) are checked here on the
ZIP directory before anything is decompressed: declared sizes bound what ``zipfile`` will inflate.
The refusals' French messages (``MSG_*``) live here too.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from matcher.errors import UserError
from matcher.settings import ImportLimits

ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx

FORMAT_XLSX = "xlsx"
FORMAT_XLSM = "xlsm"
FORMAT_CSV = "csv"
FORMAT_JSON = "json"
FORMAT_JSONL = "jsonl"
FORMAT_LABELS = {
    FORMAT_XLSX: "classeur Excel (.xlsx)",
    FORMAT_XLSM: "classeur Excel avec macros (.xlsm, macros ignorées)",
    FORMAT_CSV: "fichier texte (CSV)",
    FORMAT_JSON: "fichier JSON",
    FORMAT_JSONL: "fichier JSON Lines (un objet par ligne)",
}

# Messages of refused formats (French, shown as "<file> : <message>").
MSG_EMPTY = "le fichier est vide (0 octet)"
MSG_OLD_XLS = (
    "ancien format Excel 97-2003 (.xls), non pris en charge : ouvrez-le dans Excel et "
    "enregistrez-le au format « Classeur Excel (.xlsx) »"
)
MSG_ENCRYPTED = (
    "classeur protégé par mot de passe : ouvrez-le dans Excel, retirez le mot de passe "
    "(Fichier > Informations > Protéger le classeur) et enregistrez-le au format .xlsx"
)
MSG_OLE_OTHER = (
    "ancien format Office (fichier composé OLE) qui n'est pas un classeur Excel : "
    "enregistrez le tableau au format .xlsx ou .csv"
)
MSG_DAMAGED = (
    "fichier Excel endommagé ou tronqué (copie ou téléchargement incomplet ?) : "
    "demandez à nouveau le fichier, ou ouvrez-le dans Excel et enregistrez-le"
)
MSG_ODS = (
    "classeur OpenDocument (.ods, LibreOffice) : ouvrez-le et enregistrez-le au format "
    "« Classeur Excel (.xlsx) » ou exportez-le en CSV"
)
MSG_XLSB = "classeur Excel binaire (.xlsb) : enregistrez-le au format « Classeur Excel (.xlsx) »"
MSG_STRICT = (
    "classeur au format « Strict Open XML » : enregistrez-le au format « Classeur Excel (.xlsx) »"
)
MSG_WORD = "document Word, pas un tableau : enregistrez le tableau au format .xlsx ou .csv"
MSG_PPT = "présentation PowerPoint, pas un tableau : demandez le fichier Excel ou CSV d'origine"
MSG_ZIP = (
    "archive ZIP qui ne contient pas de classeur Excel : décompressez-la et importez le classeur"
)
MSG_PDF = "document PDF : demandez le fichier Excel d'origine, ou un export .xlsx ou .csv"
MSG_HTML = (
    "page web (HTML), souvent un export nommé .xls : ouvrez-la dans Excel et enregistrez-la au "
    "format « Classeur Excel (.xlsx) »"
)
MSG_XML2003 = (
    "classeur « XML 2003 » : ouvrez-le dans Excel et enregistrez-le au format « Classeur Excel "
    "(.xlsx) »"
)
MSG_BINARY = "fichier binaire non reconnu : attendu un classeur Excel (.xlsx, .xlsm) ou un CSV"
MSG_NO_TABLE = "aucun tableau trouvé (fichier vide ou sans ligne d'en-tête)"

_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", MSG_PDF),
    (b"\x89PNG", "image PNG, pas un tableau"),
    (b"\xff\xd8\xff", "image JPEG, pas un tableau"),
    (b"GIF8", "image GIF, pas un tableau"),
    (b"\x1f\x8b", "archive compressée (gzip) : décompressez-la et importez le tableau"),
    (b"7z\xbc\xaf", "archive 7-Zip : décompressez-la et importez le tableau"),
    (b"Rar!", "archive RAR : décompressez-la et importez le tableau"),
    (b"{\\rtf", "document RTF (traitement de texte), pas un tableau"),
)
# The namespace of "Strict Open XML" workbooks, refused with MSG_STRICT.
_STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def detect_format(data: bytes, name: str, limits: ImportLimits | None = None) -> str:
    """``xlsx``, ``xlsm`` or ``csv`` from the content; refuses anything else with a message."""
    limits = limits or ImportLimits()
    if not data:
        raise UserError(f"{name} : {MSG_EMPTY}")
    if len(data) > limits.max_file_mb * 1024 * 1024:
        raise UserError(
            f"{name} : fichier trop volumineux ({len(data) / 1024 / 1024:.1f} Mo, limite "
            f"{limits.max_file_mb:g} Mo) : découpez-le en plusieurs fichiers"
        )
    if data.startswith(OLE_MAGIC):
        raise UserError(f"{name} : {_ole_message(data)}")
    if data.startswith(ZIP_MAGIC) or data.startswith(ZIP_EMPTY_MAGIC):
        return _zip_kind(data, name, limits)
    for magic, message in _BINARY_MAGICS:
        if data.startswith(magic):
            raise UserError(f"{name} : {message}")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        raise UserError(f"{name} : {MSG_HTML}")
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]:
            raise UserError(f"{name} : {MSG_XML2003}")
        if b"<html" in data[:4096].lower():
            raise UserError(f"{name} : {MSG_HTML}")
        raise UserError(f"{name} : fichier XML, pas un tableau : attendu .xlsx ou .csv")
    return FORMAT_CSV


def _ole_message(data: bytes) -> str:
    """Tell an old .xls from an encrypted workbook by the stream names of the OLE directory."""
    names = set(ole_stream_names(data))
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        return MSG_ENCRYPTED
    if names & {"Workbook", "Book"}:
        return MSG_OLD_XLS
    if "WordDocument" in names:
        return MSG_WORD
    if "PowerPoint Document" in names:
        return MSG_PPT
    if not names:
        return f"fichier Office ancien illisible ou tronqué : {MSG_OLD_XLS}"
    return MSG_OLE_OTHER


def ole_stream_names(data: bytes) -> list[str]:
    """Names of the entries of an OLE2 compound file's directory (empty if it cannot be read).

    Follows the directory's sector chain through the FAT (header DIFAT only, which covers files
    up to ~7 MB with 512-byte sectors); if that fails, scans the file for directory entries."""
    try:
        sector_shift = struct.unpack_from("<H", data, 30)[0]
        size = 1 << sector_shift
        if size not in (512, 4096):
            raise ValueError(size)
        n_fat = struct.unpack_from("<I", data, 44)[0]
        first_dir = struct.unpack_from("<i", data, 48)[0]
        difat = struct.unpack_from("<109i", data, 76)[: min(n_fat, 109)]
        fat: list[int] = []
        for sec in difat:
            if sec < 0:
                break
            off = (sec + 1) * size
            chunk = data[off : off + size]
            fat.extend(struct.unpack(f"<{len(chunk) // 4}i", chunk[: len(chunk) // 4 * 4]))
        names: list[str] = []
        sec, seen = first_dir, set[int]()
        while 0 <= sec < len(fat) and sec not in seen and len(seen) < 10_000:
            seen.add(sec)
            off = (sec + 1) * size
            for e in range(0, size, 128):
                entry = data[off + e : off + e + 128]
                if len(entry) < 128:
                    break
                n = struct.unpack_from("<H", entry, 64)[0]
                if 2 <= n <= 64 and entry[66] in (1, 2, 5):
                    names.append(entry[: n - 2].decode("utf-16-le", "replace"))
            sec = fat[sec]
        if names:
            return names
    except (struct.error, ValueError, IndexError):
        pass
    found = []
    for candidate in ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "WordDocument"):
        if candidate.encode("utf-16-le") + b"\x00\x00" in data:
            found.append(candidate)
    return found


def _zip_kind(data: bytes, name: str, limits: ImportLimits) -> str:
    """Inspect a ZIP's directory (nothing inflated but the small manifest) and refuse bombs."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UserError(f"{name} : {MSG_DAMAGED}") from exc
    with zf:
        names = {i.filename for i in infos}
        if len(infos) > limits.max_zip_entries:
            raise UserError(
                f"{name} : archive anormale ({len(infos)} éléments, limite "
                f"{limits.max_zip_entries}) : import refusé"
            )
        total = sum(i.file_size for i in infos)
        if total > limits.max_uncompressed_mb * 1024 * 1024:
            raise UserError(
                f"{name} : classeur trop volumineux une fois décompressé ({total / 1024 / 1024:.0f} "
                f"Mo, limite {limits.max_uncompressed_mb:g} Mo) : découpez-le en plusieurs fichiers"
            )
        for i in infos:
            if i.file_size > 1024 * 1024 and i.file_size > limits.max_compression_ratio * max(
                i.compress_size, 1
            ):
                raise UserError(
                    f"{name} : taux de compression anormal ({i.filename} : "
                    f"{i.file_size / max(i.compress_size, 1):.0f} pour 1, archive piégée ?) : "
                    "import refusé"
                )
        if "mimetype" in names:
            mimetype = small_member(zf, "mimetype", 200)
            if b"opendocument.spreadsheet" in mimetype:
                raise UserError(f"{name} : {MSG_ODS}")
            if b"opendocument" in mimetype:
                raise UserError(f"{name} : document OpenDocument, pas un classeur Excel")
        content_types = small_member(zf, "[Content_Types].xml", 1024 * 1024)
        if b"sheet.binary" in content_types or "xl/workbook.bin" in names:
            raise UserError(f"{name} : {MSG_XLSB}")
        if b"spreadsheetml" not in content_types and b"ms-excel.sheet" not in content_types:
            if any(n.startswith("word/") for n in names):
                raise UserError(f"{name} : {MSG_WORD}")
            if any(n.startswith("ppt/") for n in names):
                raise UserError(f"{name} : {MSG_PPT}")
            if not content_types and not names:
                raise UserError(f"{name} : {MSG_DAMAGED}")
            raise UserError(f"{name} : {MSG_ZIP}")
        workbook_xml = next((n for n in names if n.lower().endswith("workbook.xml")), None)
        if workbook_xml and _STRICT_NS in small_member(zf, workbook_xml, 1024 * 1024):
            raise UserError(f"{name} : {MSG_STRICT}")
        if b"macroEnabled" in content_types or "xl/vbaProject.bin" in names:
            return FORMAT_XLSM
        return FORMAT_XLSX


def small_member(zf: zipfile.ZipFile, member: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a small part of the archive (empty if absent); a damaged
    archive is a French message."""
    try:
        with zf.open(member) as f:
            return f.read(limit)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise UserError(f"{zf.filename or 'fichier'} : {MSG_DAMAGED}") from exc
