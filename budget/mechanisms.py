"""What the law says of each 1 % mechanism, in one entry per mechanism: the article, who may use
it, what counts as its base, the field of its actions and a worked example (figures only: the
example's results are computed by budget.calculations where they are shown)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from budget.enums import Mechanism

# The Code général des collectivités territoriales on Légifrance (its consolidated text); the
# pages name the article to read in it.
CGCT_URL = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070633/"


@dataclass(frozen=True, kw_only=True)
class MechanismInfo:
    code: str
    article: str  # « L1115-1-1 »
    law: str
    allows: str
    who: str
    base: str
    field: str
    example_resources: Decimal
    example_versement: Decimal | None = None
    example_committed: Decimal = Decimal(0)

    @property
    def label(self) -> str:
        return Mechanism(self.code).label

    @property
    def article_label(self) -> str:
        return _("CGCT, article %(article)s") % {"article": self.article}

    @property
    def url(self) -> str:
        return CGCT_URL


WATER_SANITATION_FIELD = _("l’eau et l’assainissement")

MECHANISMS = {
    Mechanism.WATER: MechanismInfo(
        code=Mechanism.WATER,
        article="L1115-1-1",
        law=_("loi Oudin-Santini (n° 2005-95)"),
        allows=_(
            "Consacrer jusqu’à 1 % des ressources du budget de l’eau à des actions de "
            "coopération avec des collectivités étrangères, d’aide d’urgence et de solidarité "
            "internationale dans le domaine de l’eau et de l’assainissement."
        ),
        who=_(
            "Les communes, les intercommunalités (EPCI) et les syndicats mixtes chargés du "
            "service public de distribution d’eau potable."
        ),
        base=_(
            "Les ressources affectées au budget du service de l’eau potable, le plus souvent "
            "celles de son budget annexe (instruction M49)."
        ),
        field=WATER_SANITATION_FIELD,
        example_resources=Decimal("4180000.00"),
        example_committed=Decimal("25000.00"),
    ),
    Mechanism.SANITATION: MechanismInfo(
        code=Mechanism.SANITATION,
        article="L1115-1-1",
        law=_("loi Oudin-Santini (n° 2005-95)"),
        allows=_(
            "Consacrer jusqu’à 1 % des ressources du budget de l’assainissement à des actions de "
            "coopération, d’aide d’urgence et de solidarité internationale dans le domaine de "
            "l’eau et de l’assainissement."
        ),
        who=_(
            "Les communes, les intercommunalités (EPCI) et les syndicats mixtes chargés du "
            "service public d’assainissement."
        ),
        base=_(
            "Les ressources affectées au budget du service de l’assainissement, le plus souvent "
            "celles de son budget annexe (instruction M49)."
        ),
        field=WATER_SANITATION_FIELD,
        example_resources=Decimal("2350000.00"),
        example_committed=Decimal("30000.00"),
    ),
    Mechanism.ENERGY: MechanismInfo(
        code=Mechanism.ENERGY,
        article="L1115-1-1",
        law=_("étendu par la loi n° 2006-1537"),
        allows=_(
            "Consacrer jusqu’à 1 % des ressources des budgets de la distribution publique "
            "d’électricité et de gaz à des actions de coopération, d’aide d’urgence et de "
            "solidarité internationale dans ce domaine."
        ),
        who=_(
            "Les collectivités et leurs groupements chargés du service public de distribution "
            "d’électricité et de gaz."
        ),
        base=_("Les ressources affectées aux budgets de ces services de distribution."),
        field=_("la distribution publique d’électricité et de gaz"),
        example_resources=Decimal("1500000.00"),
    ),
    Mechanism.WASTE: MechanismInfo(
        code=Mechanism.WASTE,
        article="L1115-2",
        law=_("loi n° 2014-773"),
        allows=_(
            "Consacrer jusqu’à 1 % des ressources du budget du service des déchets à des actions "
            "de coopération, d’aide d’urgence et de solidarité internationale dans le domaine "
            "des déchets."
        ),
        who=_(
            "Les communes, les intercommunalités (EPCI) et les syndicats chargés de la collecte "
            "ou du traitement des déchets ménagers, ou qui perçoivent la taxe ou la redevance "
            "d’enlèvement des ordures ménagères (TEOM, REOM)."
        ),
        base=_(
            "Les ressources affectées au budget du service des déchets. Quand le service est "
            "financé dans le budget général (par la TEOM), il n’a pas de budget distinct : "
            "estimez ces ressources ; le plafond est alors une estimation."
        ),
        field=_("les déchets"),
        example_resources=Decimal("3000000.00"),
    ),
    Mechanism.MOBILITY: MechanismInfo(
        code=Mechanism.MOBILITY,
        article="L1115-3",
        law=_("loi n° 2021-1031"),
        allows=_(
            "Consacrer jusqu’à 1 % des ressources des budgets des services de mobilité à des "
            "actions de coopération, d’aide d’urgence et de solidarité internationale dans le "
            "domaine de la mobilité."
        ),
        who=_(
            "Les autorités organisatrices de la mobilité (Code des transports, article L1231-1, "
            "I), les communes qui organisent encore des services de mobilité (même article, II) "
            "et Île-de-France Mobilités."
        ),
        base=_(
            "Les ressources affectées aux budgets des services de mobilité, hors versement "
            "mobilité : indiquez les ressources du budget et, à part, le versement mobilité, "
            "qui est retiré de la base."
        ),
        field=_("la mobilité"),
        example_resources=Decimal("12500000.00"),
        example_versement=Decimal("8000000.00"),
        example_committed=Decimal("30000.00"),
    ),
}
