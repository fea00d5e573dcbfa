"""The default dunning set a French SME can use as is: scenarios, steps, templates, profile rules.

Scenarios (one per profile):
- PME: prévenance 5 days before the due date (email); R1 +5, R2 +15 (email); R3 +30 (email and
  letter); R4 +45 (phone call); R5 +60 (mise en demeure by letter, to approve); thank-you.
- Grand compte: softer and slower, the sales rep in Cc: R1 +10, R2 +25, R3 +45 (email and
  letter), R4 +60 (call), R5 +90 (mise en demeure, to approve); no penalties shown.
- Export: in English, amounts in the invoices' currency: prévenance -7, R1 +7, R2 +21, R3 +35
  (email and letter), R4 +50 (call), R5 +75 (final notice, to approve); no French penalties.
- À risque: faster: prévenance -7, R1 +1, R2 +8, R3 +15 (email and letter), R4 +22 (call),
  R5 +30 (mise en demeure, to approve); 3 days between two messages.
Rules: foreign currency or a country outside France -> Export; free field "Segment" Grand compte
or Collectivité -> Grand compte; score grade D or E -> À risque; everyone else -> PME.

`seed_defaults` is idempotent: what exists (same template code and language, same scenario name,
any profile rule) is left as the user may have changed it.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.dunning.default_templates import TEMPLATES
from src_dash.dunning.model import EMAIL, LETTER, PHONE, PREVENANCE, RELANCE, REMERCIEMENT
from src_dash.dunning.profiles import Rule
from src_dash.dunning.scenarios import ScenarioSpec, StepSpec, save_rules_in, save_scenario_in
from src_dash.dunning.templates import check_template
from src_dash.store import MessageTemplate, ProfileRule, Scenario

PME, GRAND_COMPTE, EXPORT, A_RISQUE = "PME", "Grand compte", "Export", "À risque"
ACCOUNTING = ("Comptabilité", "Recouvrement")


def _steps(
    pre: int | None,
    r: tuple[int, int, int, int, int],
    *,
    cc_rep: bool = False,
    approve_from: int = 5,
) -> tuple[StepSpec, ...]:
    """The usual steps: prévenance, R1, R2 by email, R3 by email and letter, R4 call, R5
    letter, thank-you."""

    def email(level: int, code: str, name: str, offset: int) -> StepSpec:
        return StepSpec(
            phase=RELANCE, level=level, day_offset=offset, channel=EMAIL, template_code=code,
            to_services=ACCOUNTING, cc_sales_rep=cc_rep, needs_approval=level >= approve_from,
            name=name,
        )  # fmt: skip

    steps = []
    if pre is not None:
        steps.append(
            StepSpec(phase=PREVENANCE, level=0, day_offset=pre, channel=EMAIL,
                     template_code="prevenance", to_services=ACCOUNTING, name="Prévenance")
        )  # fmt: skip
    steps += [
        email(1, "relance1", "Relance 1", r[0]),
        email(2, "relance2", "Relance 2", r[1]),
        email(3, "relance3", "Relance 3", r[2]),
        StepSpec(phase=RELANCE, level=3, day_offset=r[2], channel=LETTER,
                 template_code="relance3_lettre", name="Relance 3 (courrier)",
                 needs_approval=approve_from <= 3),
        StepSpec(phase=RELANCE, level=4, day_offset=r[3], channel=PHONE, template_code="appel",
                 name="Relance 4 (appel)", cc_sales_rep=cc_rep),
        StepSpec(phase=RELANCE, level=5, day_offset=r[4], channel=LETTER,
                 template_code="mise_en_demeure", name="Mise en demeure",
                 needs_approval=True),
        StepSpec(phase=REMERCIEMENT, level=6, day_offset=0, channel=EMAIL,
                 template_code="remerciement", to_services=ACCOUNTING, name="Remerciement"),
    ]  # fmt: skip
    return tuple(steps)


SCENARIOS = [
    ScenarioSpec(
        name=PME,
        profile=PME,
        description="Petites et moyennes entreprises : le scénario par défaut.",
        steps=_steps(-5, (5, 15, 30, 45, 60)),
        min_item_amount=Decimal("10.00"),
        min_customer_amount=Decimal("50.00"),
        min_gap_days=5,
    ),
    ScenarioSpec(
        name=GRAND_COMPTE,
        profile=GRAND_COMPTE,
        description="Grands comptes et collectivités : plus doux, le commercial en copie.",
        steps=_steps(-5, (10, 25, 45, 60, 90), cc_rep=True, approve_from=3),
        min_item_amount=Decimal("50.00"),
        min_customer_amount=Decimal("200.00"),
        min_gap_days=10,
        penalties=False,
    ),
    ScenarioSpec(
        name=EXPORT,
        profile=EXPORT,
        description="Clients étrangers : en anglais, montants dans la devise des factures.",
        language="en",
        steps=_steps(-7, (7, 21, 35, 50, 75)),
        min_item_amount=Decimal("20.00"),
        min_customer_amount=Decimal("100.00"),
        min_gap_days=7,
        penalties=False,
    ),
    ScenarioSpec(
        name=A_RISQUE,
        profile=A_RISQUE,
        description="Mauvais payeurs (score D ou E) : relances rapprochées.",
        steps=_steps(-7, (1, 8, 15, 22, 30)),
        min_item_amount=Decimal("10.00"),
        min_customer_amount=Decimal("20.00"),
        min_gap_days=3,
    ),
]

RULES = [
    Rule(profile=EXPORT, foreign_currency=True, description="Facturé en devise"),
    Rule(profile=EXPORT, outside_countries=("France",), description="Client hors de France"),
    Rule(
        profile=GRAND_COMPTE,
        free_field="Segment",
        free_field_values=("Grand compte", "Collectivité"),
        description="Segment grand compte ou collectivité",
    ),
    Rule(profile=A_RISQUE, grades=("D", "E"), description="Score D ou E"),
    Rule(profile=PME, description="Tous les autres clients"),
]


def seed_defaults(engine: Engine) -> dict[str, int]:
    """Write the default templates, scenarios and profile rules where missing (idempotent).

    Returns:
        How many templates, scenarios and rules were added.
    """
    t, s = MessageTemplate.__table__, Scenario.__table__
    added = {"templates": 0, "scenarios": 0, "rules": 0}
    with engine.begin() as conn:
        have = {(r.code, r.language) for r in conn.execute(select(t.c.code, t.c.language))}
        for tpl in TEMPLATES:
            if (tpl["code"], tpl["language"]) in have:
                continue
            problems = check_template(tpl["subject"], tpl["html"], tpl["text"], tpl["language"])
            if problems:  # a bug in this module, never the user's doing
                raise AssertionError(f"default template {tpl['code']}: {problems}")
            conn.execute(
                t.insert().values(
                    code=tpl["code"],
                    language=tpl["language"],
                    name=tpl["name"],
                    subject=tpl["subject"],
                    body_html=tpl["html"],
                    body_text=tpl["text"],
                )
            )
            added["templates"] += 1
        names = {n.casefold() for n in conn.execute(select(s.c.name)).scalars()}
        profiles = set(conn.execute(select(s.c.profile).where(s.c.active)).scalars())
        for spec in SCENARIOS:
            if spec.name.casefold() not in names and spec.profile not in profiles:
                save_scenario_in(conn, spec)
                added["scenarios"] += 1
        if conn.execute(select(ProfileRule.__table__.c.id).limit(1)).first() is None:
            save_rules_in(conn, RULES)
            added["rules"] = len(RULES)
    return added
