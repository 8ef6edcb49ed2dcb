"""The form under each question that adds a link or a file; posted with the questionnaire's
answers (one multipart form), so that the answers are saved along with it."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from diagnostics.evidence.content import ALLOWED
from diagnostics.evidence.services import allowed_types_text, max_size_text
from diagnostics.models import validate_web_url


def evidence_prefix(code: str) -> str:
    return f"{code}-justificatif"


def limits_text() -> str:
    """The file types, size and number of files allowed (settings), as the form states them."""
    return _(
        "%(types)s ; %(size)s au plus par fichier, %(n)s justificatifs au plus par question."
    ) % {
        "types": allowed_types_text(),
        "size": max_size_text(),
        "n": settings.EVIDENCE_MAX_PER_QUESTION,
    }


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Fichier"), required=False)
    url = forms.URLField(
        label=_("ou lien vers une page web"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        validators=[validate_web_url],
    )
    label = forms.CharField(label=_("Intitulé (facultatif)"), required=False, max_length=200)

    def __init__(self, *args, question, too_large_message="", **kwargs):
        super().__init__(*args, prefix=evidence_prefix(question.code), **kwargs)
        self.question = question
        self.too_large_message = too_large_message
        self.fields["file"].help_text = _(
            "%(types)s ; %(size)s au plus par fichier, %(n)s justificatifs au plus par question."
        ) % {
            "types": allowed_types_text(),
            "size": max_size_text(),
            "n": settings.EVIDENCE_MAX_PER_QUESTION,
        }
        # A counter, then the server's refusal, rather than a browser cutting a long paste.
        for name in ("url", "label"):
            attrs = self.fields[name].widget.attrs
            attrs["data-maxlength"] = attrs.pop("maxlength")
        self.fields["file"].widget.attrs["accept"] = (
            ",".join(f".{t.extension}" for t in ALLOWED) + ",.jpeg"
        )

    def has_data(self) -> bool:
        """Whether the person gave anything here (a dropped oversized file counts)."""
        if not self.is_bound:
            return False
        return bool(
            self.too_large_message
            or self.files.get(self.add_prefix("file"))
            or any(self.data.get(self.add_prefix(name), "").strip() for name in ("url", "label"))
        )

    def clean(self):
        cleaned = super().clean()
        if self.too_large_message:
            self.add_error("file", self.too_large_message)
        elif not cleaned.get("file") and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("file", _("Choisissez un fichier ou indiquez un lien."))
        return cleaned
