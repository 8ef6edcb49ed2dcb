"""What a file is, read from its content (never from its name): the types evidence may have.

PDF and images by their signature; office documents by their container: an OOXML file
(docx, xlsx, pptx) is a zip whose ``[Content_Types].xml`` names the document's main part, an
OpenDocument file a zip whose first entry ``mimetype`` says what it is; the legacy Word and Excel
formats are OLE2 compound files holding a ``WordDocument`` or ``Workbook`` stream.
"""

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str
    is_image: bool = False


PDF = FileType("application/pdf", "pdf")
PNG = FileType("image/png", "png", is_image=True)
JPEG = FileType("image/jpeg", "jpg", is_image=True)
WEBP = FileType("image/webp", "webp", is_image=True)
DOC = FileType("application/msword", "doc")
XLS = FileType("application/vnd.ms-excel", "xls")
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = FileType(_OOXML + "wordprocessingml.document", "docx")
XLSX = FileType(_OOXML + "spreadsheetml.sheet", "xlsx")
PPTX = FileType(_OOXML + "presentationml.presentation", "pptx")
_ODF = "application/vnd.oasis.opendocument."
ODT = FileType(_ODF + "text", "odt")
ODS = FileType(_ODF + "spreadsheet", "ods")
ODP = FileType(_ODF + "presentation", "odp")

ALLOWED = (PDF, PNG, JPEG, WEBP, DOC, XLS, DOCX, XLSX, PPTX, ODT, ODS, ODP)
BY_MIME = {t.mime: t for t in ALLOWED}

# The main part's content type in [Content_Types].xml; macro-enabled variants (docm, xlsm…)
# name other types and are refused.
_OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_ODF_MIMETYPES = {t.mime.encode(): t for t in (ODT, ODS, ODP)}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# OLE2 directory entries name their streams in UTF-16LE.
_OLE2_STREAMS = [("WordDocument".encode("utf-16-le"), DOC), ("Workbook".encode("utf-16-le"), XLS)]
# Reading [Content_Types].xml stops there: a real one is a few kilobytes.
_MAX_MANIFEST = 256 * 1024


def type_label(mime: str) -> str:
    """« PDF », « DOCX »…: how a type is named to people."""
    found = BY_MIME.get(mime)
    return found.extension.upper() if found else ""


def detect(file) -> FileType | None:
    """The allowed type of ``file`` (a binary file object, read from its start), or None."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(file)
    if head.startswith(_OLE2):
        return _ole2_type(file)
    return None


def detect_bytes(content: bytes) -> FileType | None:
    return detect(io.BytesIO(content))


def _zip_type(file) -> FileType | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    return _ODF_MIMETYPES.get(entry.read(100).strip())
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as entry:
                    manifest = entry.read(_MAX_MANIFEST)
                found = {t for part, t in _OOXML_MAIN_PARTS.items() if part in manifest}
                return found.pop() if len(found) == 1 else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
        return None
    finally:
        file.seek(0)
    return None


def _ole2_type(file) -> FileType | None:
    content = file.read()
    file.seek(0)
    found = [t for name, t in _OLE2_STREAMS if name in content]
    return found[0] if len(found) == 1 else None
