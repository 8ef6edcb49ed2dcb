"""The registry as a CSV file: export, the blank template, and the import that validates every
line with the partnership form and writes nothing unless all of them pass."""

import csv
import io
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import Collectivite, User
from aeict.spreadsheet import FORMULA_PREFIXES, safe_cell
from partnerships.enums import (
    FundingSource,
    PartnershipEventKind,
    PartnershipKind,
    PartnershipState,
    Theme,
)
from partnerships.forms import PartnershipForm
from partnerships.models import Partnership
from partnerships.services import save_partnership

# Column of the file → field of the form.
COLUMNS = {
    "partenaire": "partner_name",
    "pays": "country",
    "region_ou_ville": "partner_area",
    "type": "kind",
    "thematiques": "themes",
    "etat": "state",
    "signe_le": "signed_on",
    "renouvele_le": "renewed_on",
    "termine_le": "ended_on",
    "copartenaires_siren": "co_partner_sirens",
    "acteurs_du_territoire": "territory_actors",
    "budget_annuel": "yearly_budget",
    "financements": "funding_sources",
    "convention": "convention_url",
    "contact": "contact",
}
COLUMN_OF_FIELD = {field: column for column, field in COLUMNS.items()}
REQUIRED_COLUMNS = ("partenaire", "pays", "type")
MAX_LINE = 2000
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
LIST_SEPARATOR = "|"
DATE_FORMAT = "%d/%m/%Y"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def _lookup(choices) -> dict[str, str]:
    """A value or its French label, without case or accents → the value."""
    table = {}
    with translation.override("fr"):
        for value, label in choices:
            table[_plain(str(value))] = value
            table[_plain(str(label))] = value
    return table


def _country_lookup() -> dict[str, str]:
    with translation.override("fr"):
        return _lookup([(code, name) for code, name in countries])


# ---- export -------------------------------------------------------------------------------


def _date(value) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def partnership_row(partnership: Partnership) -> list[str]:
    values = {
        "partenaire": partnership.partner_name,
        "pays": partnership.country.code,
        "region_ou_ville": partnership.partner_area,
        "type": partnership.kind,
        "thematiques": LIST_SEPARATOR.join(partnership.themes),
        "etat": partnership.state,
        "signe_le": _date(partnership.signed_on),
        "renouvele_le": _date(partnership.renewed_on),
        "termine_le": _date(partnership.ended_on),
        "copartenaires_siren": LIST_SEPARATOR.join(t.siren for t in partnership.co_partners.all()),
        "acteurs_du_territoire": partnership.territory_actors,
        "budget_annuel": (
            "" if partnership.yearly_budget is None else str(partnership.yearly_budget)
        ),
        "financements": LIST_SEPARATOR.join(partnership.funding_sources),
        "convention": partnership.convention_url,
        "contact": partnership.contact,
    }
    return [safe_cell(values[column]) for column in COLUMNS]


def export_csv(*, collectivite: Collectivite) -> bytes:
    """UTF-8 with a byte order mark and « ; » between cells, as French spreadsheets expect."""
    partnerships = Partnership.objects.for_collectivite(collectivite).prefetch_related(
        "co_partners"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(partnership_row(p) for p in partnerships)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "Ville de Kindia",
            "GN",
            "Région de Kindia",
            PartnershipKind.COOPERATION,
            f"{Theme.EAU}{LIST_SEPARATOR}{Theme.SANTE}",
            PartnershipState.ACTIF,
            "14/07/2019",
            "",
            "",
            "",
            "Université, association de la diaspora",
            "15000",
            f"{FundingSource.EAU}{LIST_SEPARATOR}{FundingSource.MEAE}",
            "https://exemple.fr/deliberation.pdf",
            "Service des relations internationales",
        ]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportError_:
    line: int
    column: str | None
    message: str

    def __str__(self):
        if self.column:
            return _("Ligne %(line)s, colonne « %(column)s » : %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Ligne %(line)s : %(message)s") % {"line": self.line, "message": self.message}


class ImportRefused(Exception):
    """The file is refused; ``errors`` says where and why. Nothing was written."""

    def __init__(self, errors: list[ImportError_]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _form_data(row: dict[str, str], lookups) -> dict:
    data = {}
    for column, field in COLUMNS.items():
        value = (row.get(column) or "").strip()
        if field == "state" and not value:
            data[field] = PartnershipState.ACTIF  # the column may be left out or blank
        elif field in ("kind", "state", "country"):
            data[field] = lookups[field].get(_plain(value), value) if value else ""
        elif field in ("themes", "funding_sources"):
            data[field] = [
                lookups[field].get(_plain(item), item)
                for item in value.replace(";", LIST_SEPARATOR).split(LIST_SEPARATOR)
                if item.strip()
            ]
        elif field == "co_partner_sirens":
            data[field] = value.replace(LIST_SEPARATOR, ",")
        else:
            data[field] = value
    return data


def parse_csv(content: bytes) -> list[tuple[int, PartnershipForm]]:
    """Every line as a valid form, or ImportRefused listing each problem with its place."""
    if len(content) > MAX_BYTES:
        raise ImportRefused([ImportError_(0, None, _("le fichier dépasse 2 Mo."))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            [ImportError_(1, None, _("le fichier n’est pas encodé en UTF-8."))]
        ) from None
    errors = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            errors.append(
                ImportError_(
                    number,
                    None,
                    _("ligne trop longue (%(length)s caractères, %(max)s au plus).")
                    % {"length": len(line), "max": MAX_LINE},
                )
            )
    if errors:
        raise ImportRefused(errors)
    if not lines:
        raise ImportRefused([ImportError_(1, None, _("le fichier est vide."))])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader)]
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    for column in unknown:
        errors.append(ImportError_(1, column, _("colonne inconnue (voir le modèle).")))
    for column in missing:
        errors.append(ImportError_(1, column, _("colonne obligatoire absente.")))
    if errors:
        raise ImportRefused(errors)
    lookups = {
        "kind": _lookup(PartnershipKind.choices),
        "state": _lookup(PartnershipState.choices),
        "themes": _lookup(Theme.choices),
        "funding_sources": _lookup(FundingSource.choices),
        "country": _country_lookup(),
    }
    forms = []
    for cells in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(forms) >= MAX_ROWS:
            errors.append(ImportError_(number, None, _("plus de 2 000 partenariats.")))
            break
        if len(cells) != len(header):
            errors.append(
                ImportError_(
                    number,
                    None,
                    _("%(found)s cellules au lieu de %(expected)s.")
                    % {"found": len(cells), "expected": len(header)},
                )
            )
            continue
        row = dict(zip(header, cells, strict=True))
        formula = [c for c, v in row.items() if v.startswith(FORMULA_PREFIXES)]
        for column in formula:
            errors.append(
                ImportError_(
                    number,
                    column,
                    _(
                        "une cellule ne peut pas commencer par = + - @ (formule de tableur) ; "
                        "supprimez ce caractère."
                    ),
                )
            )
        if formula:
            continue
        form = PartnershipForm(data=_form_data(row, lookups))
        if form.is_valid():
            forms.append((number, form))
        else:
            for field, messages in form.errors.items():
                column = COLUMN_OF_FIELD.get(field)
                for message in messages:
                    errors.append(ImportError_(number, column, message))
    if errors:
        raise ImportRefused(errors)
    if not forms:
        raise ImportRefused([ImportError_(2, None, _("aucun partenariat dans le fichier."))])
    return forms


@transaction.atomic
def import_csv(*, collectivite: Collectivite, content: bytes, by: User) -> int:
    forms = parse_csv(content)
    for _number, form in forms:
        save_partnership(
            collectivite=collectivite, form=form, by=by, kind=PartnershipEventKind.IMPORTED
        )
    return len(forms)
