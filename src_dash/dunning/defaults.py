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

from src_dash.dunning.model import EMAIL, LETTER, PHONE, PREVENANCE, RELANCE, REMERCIEMENT
from src_dash.dunning.profiles import Rule
from src_dash.dunning.scenarios import ScenarioSpec, StepSpec, save_rules_in, save_scenario_in
from src_dash.dunning.templates import check_template
from src_dash.store import MessageTemplate, ProfileRule, Scenario

PME, GRAND_COMPTE, EXPORT, A_RISQUE = "PME", "Grand compte", "Export", "À risque"
ACCOUNTING = ("Comptabilité", "Recouvrement")

# ---- shared pieces of the templates

_TABLE_FR = """
<table style="border-collapse:collapse;width:100%;font-size:13px">
  <thead>
    <tr style="background:#f0f2f5">
      <th style="text-align:left;padding:4px 6px">Pièce</th>
      <th style="text-align:left;padding:4px 6px">Référence</th>
      <th style="text-align:left;padding:4px 6px">Échéance</th>
      <th style="text-align:right;padding:4px 6px">{% if overdue %}Retard{% else %}Statut{% endif %}</th>
      <th style="text-align:center;padding:4px 6px">Niveau</th>
      <th style="text-align:right;padding:4px 6px">Reste dû</th>
    </tr>
  </thead>
  <tbody>
  {% for item in items %}
    <tr>
      <td style="padding:4px 6px">{{ item.piece }}</td>
      <td style="padding:4px 6px">{{ item.reference }}</td>
      <td style="padding:4px 6px">{{ item.due_date|date }}</td>
      <td style="text-align:right;padding:4px 6px">{% if item.overdue %}{{ item.days_late }} j{% else %}à échoir{% endif %}</td>
      <td style="text-align:center;padding:4px 6px">{% if item.level >= 1 and item.overdue %}R{{ item.level }}{% else %}–{% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ item.owed|money(item.currency) }}</td>
    </tr>
  {% endfor %}
  {% for item in credits %}
    <tr style="color:#555">
      <td style="padding:4px 6px">{{ item.piece }}</td>
      <td style="padding:4px 6px">{{ item.reference }}</td>
      <td style="padding:4px 6px">{{ item.due_date|date }}</td>
      <td colspan="2" style="padding:4px 6px">{% if item.kind == 'payment' %}règlement non affecté{% else %}avoir{% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ item.owed|money(item.currency) }}</td>
    </tr>
  {% endfor %}
  </tbody>
  <tfoot>
  {% for line in totals.owed %}
    <tr style="font-weight:bold">
      <td colspan="5" style="padding:4px 6px">Total restant dû{% if totals.owed|length > 1 %} ({{ line.currency }}){% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ line.amount|money(line.currency) }}</td>
    </tr>
  {% endfor %}
  </tfoot>
</table>
"""  # noqa: E501

_TEXT_TABLE_FR = """{% for item in items %}- {{ item.piece }}{% if item.reference and item.reference != item.piece %} ({{ item.reference }}){% endif %}, échéance du {{ item.due_date|date }}{% if item.overdue %}, {{ item.days_late }} jours de retard{% if item.level >= 1 %}, relance R{{ item.level }}{% endif %}{% else %}, à échoir{% endif %} : {{ item.owed|money(item.currency) }}
{% endfor %}{% for item in credits %}- {{ item.piece }} ({% if item.kind == 'payment' %}règlement non affecté{% else %}avoir{% endif %}) : {{ item.owed|money(item.currency) }}
{% endfor %}{% for line in totals.owed %}Total restant dû : {{ line.amount|money(line.currency) }}
{% endfor %}"""  # noqa: E501

_TABLE_EN = """
<table style="border-collapse:collapse;width:100%;font-size:13px">
  <thead>
    <tr style="background:#f0f2f5">
      <th style="text-align:left;padding:4px 6px">Document</th>
      <th style="text-align:left;padding:4px 6px">Reference</th>
      <th style="text-align:left;padding:4px 6px">Due date</th>
      <th style="text-align:right;padding:4px 6px">{% if overdue %}Overdue{% else %}Status{% endif %}</th>
      <th style="text-align:center;padding:4px 6px">Reminder</th>
      <th style="text-align:right;padding:4px 6px">Amount due</th>
    </tr>
  </thead>
  <tbody>
  {% for item in items %}
    <tr>
      <td style="padding:4px 6px">{{ item.piece }}</td>
      <td style="padding:4px 6px">{{ item.reference }}</td>
      <td style="padding:4px 6px">{{ item.due_date|date }}</td>
      <td style="text-align:right;padding:4px 6px">{% if item.overdue %}{{ item.days_late }} days{% else %}not yet due{% endif %}</td>
      <td style="text-align:center;padding:4px 6px">{% if item.level >= 1 and item.overdue %}#{{ item.level }}{% else %}–{% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ item.owed|money(item.currency) }}</td>
    </tr>
  {% endfor %}
  {% for item in credits %}
    <tr style="color:#555">
      <td style="padding:4px 6px">{{ item.piece }}</td>
      <td style="padding:4px 6px">{{ item.reference }}</td>
      <td style="padding:4px 6px">{{ item.due_date|date }}</td>
      <td colspan="2" style="padding:4px 6px">{% if item.kind == 'payment' %}unapplied payment{% else %}credit note{% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ item.owed|money(item.currency) }}</td>
    </tr>
  {% endfor %}
  </tbody>
  <tfoot>
  {% for line in totals.owed %}
    <tr style="font-weight:bold">
      <td colspan="5" style="padding:4px 6px">Total due{% if totals.owed|length > 1 %} ({{ line.currency }}){% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ line.amount|money(line.currency) }}</td>
    </tr>
  {% endfor %}
  </tfoot>
</table>
"""  # noqa: E501

_TEXT_TABLE_EN = """{% for item in items %}- {{ item.piece }}{% if item.reference and item.reference != item.piece %} ({{ item.reference }}){% endif %}, due {{ item.due_date|date }}{% if item.overdue %}, {{ item.days_late }} days overdue{% if item.level >= 1 %}, reminder #{{ item.level }}{% endif %}{% else %}, not yet due{% endif %}: {{ item.owed|money(item.currency) }}
{% endfor %}{% for item in credits %}- {{ item.piece }} ({% if item.kind == 'payment' %}unapplied payment{% else %}credit note{% endif %}): {{ item.owed|money(item.currency) }}
{% endfor %}{% for line in totals.owed %}Total due: {{ line.amount|money(line.currency) }}
{% endfor %}"""  # noqa: E501

# The greeting and the closing name the same person ("Madame Fournier," ... "Veuillez agréer,
# Madame, ..."), or "Madame, Monsieur" for both (see src_dash.dunning.courtesy).
_GREETING_FR = "{{ contact.greeting }},"
_GREETING_EN = "{{ contact.greeting }},"
_CLOSING = "{{ contact.closing }}"

# The sender block of the company's messaging settings (signature, phone, collection mailbox).
_SIGNATURE_FR = """{{ sender.signature|nl2br }}
{% if sender.phone %}Tél. {{ sender.phone }} – {% endif %}{{ sender.reply_to }}"""
_SIGNATURE_EN = """{{ sender.signature|nl2br }}
{% if sender.phone %}Tel. {{ sender.phone }} – {% endif %}{{ sender.reply_to }}"""

# Payment instructions, after the table, when the company gave its bank details.
_PAYMENT_FR = (
    "Règlement par virement{% if payment.bank %} ({{ payment.bank }}){% endif %} : IBAN "
    "{{ payment.iban }}{% if payment.bic %}, BIC {{ payment.bic }}{% endif %}, en indiquant "
    "la référence {{ payment.reference }}."
)
_PAYMENT_EN = (
    "Please pay by bank transfer{% if payment.bank %} ({{ payment.bank }}){% endif %}: IBAN "
    "{{ payment.iban }}{% if payment.bic %}, BIC {{ payment.bic }}{% endif %}, quoting "
    "{{ payment.reference }}."
)

_PENALTIES_FR = (
    "{% if penalties.applies %}Conformément à l'article L441-10 du Code de commerce, tout retard "
    "de paiement entraîne de plein droit des pénalités au taux de {{ penalties.rate|percent }} "
    "l'an (taux de la BCE majoré de 10 points), soit {{ penalties.interest|money }} à ce jour, "
    "ainsi qu'une indemnité forfaitaire pour frais de recouvrement de "
    "{{ penalties.indemnity_per_invoice|money('EUR') }} par facture.{% endif %}"
)
_PENALTIES_EN = (
    "{% if penalties.applies %}Under French law (Code de commerce, article L441-10), late "
    "payment bears interest at {{ penalties.rate|percent }} a year (the ECB rate plus 10 points), "
    "{{ penalties.interest|money }} to date, and a flat recovery fee of "
    "{{ penalties.indemnity_per_invoice|money('EUR') }} per invoice.{% endif %}"
)


def _html(header: str, paragraphs: list[str], table: str, signature: str, after: list[str]) -> str:
    logo = (
        '{% if company.logo_url %}<p><img src="{{ company.logo_url }}" alt="{{ company.name }}" '
        'style="max-height:60px"></p>{% endif %}\n'
    )
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    tail = "".join(f"<p>{p}</p>\n" for p in after)
    sign = signature.replace("\n", "<br>\n")
    return (
        '<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">\n'
        f"{logo}<p>{header}</p>\n{body}{table}{tail}<p>{sign}</p>\n</div>\n"
    )


def _text(header: str, paragraphs: list[str], table: str, signature: str, after: list[str]) -> str:
    parts = [header, *paragraphs, table.rstrip("\n"), *after, signature]
    return "\n\n".join(p for p in parts if p) + "\n"


def _both(
    lang: str, paragraphs: list[str], after: list[str], with_table: bool = True
) -> tuple[str, str]:
    fr = lang == "fr"
    header = _GREETING_FR if fr else _GREETING_EN
    signature = _SIGNATURE_FR if fr else _SIGNATURE_EN
    closing = _CLOSING
    table_html = (_TABLE_FR if fr else _TABLE_EN) if with_table else ""
    table_text = (_TEXT_TABLE_FR if fr else _TEXT_TABLE_EN) if with_table else ""
    if with_table:
        pay = _PAYMENT_FR if fr else _PAYMENT_EN
        table_html += f"{{% if payment.iban %}}<p>{pay}</p>\n{{% endif %}}"
        table_text += f"{{% if payment.iban %}}\n{pay}{{% endif %}}"
    return (
        _html(header, paragraphs, table_html, signature, [*after, closing]),
        _text(header, paragraphs, table_text, signature, [*after, closing]),
    )


def _template(code: str, lang: str, name: str, subject: str, paragraphs, after=()):  # noqa: ANN001, ANN202
    html, text = _both(lang, list(paragraphs), list(after))
    return {"code": code, "language": lang, "name": name, "subject": subject, "html": html,
            "text": text}  # fmt: skip


def _due(overdue: str, not_due: str) -> str:
    """Words for overdue items, or others when no item of the message is overdue on the send
    date (a relance template used for items not yet due must not say "échue" nor threaten)."""
    return f"{{% if overdue %}}{overdue}{{% else %}}{not_due}{{% endif %}}"


_NOT_DUE_FR = (
    "Nous nous permettons de vous rappeler que {% if items|length > 1 %}les sommes ci-dessous "
    "arriveront{% else %}la somme ci-dessous arrivera{% endif %} prochainement à échéance."
)
_NOT_DUE_2_FR = (
    "Nous vous remercions de bien vouloir en prévoir le règlement à l'échéance, ou de nous "
    "signaler toute difficulté."
)
_NOT_DUE_EN = (
    "This is a courtesy reminder that the amount{% if items|length > 1 %}s below fall{% else %}"
    " below falls{% endif %} due shortly."
)
_NOT_DUE_2_EN = "Please arrange payment on the due date, or let us know of any issue."

_PAID_FR = (
    "Si votre règlement nous est parvenu entre-temps, merci de ne pas tenir compte de ce message."
)
_PAID_EN = "If your payment has crossed this message, please disregard it."
_PAID_FR_LATER = "Si le règlement est déjà programmé, merci de ne pas tenir compte de ce courrier."

TEMPLATES = [
    _template(
        "prevenance",
        "fr",
        "Prévenance avant échéance",
        "{{ company.name }} – échéance{% if items|length > 1 %}s{% endif %} à venir",
        [
            "Nous nous permettons de vous rappeler que {% if items|length > 1 %}les factures "
            "suivantes arriveront{% else %}la facture suivante arrivera{% endif %} prochainement "
            "à échéance.",
            "Si le règlement est déjà programmé, nous vous en remercions et vous prions de ne pas "
            "tenir compte de ce message.",
        ],
    ),
    _template(
        "prevenance",
        "en",
        "Upcoming due date",
        "{{ company.name }} – invoice{% if items|length > 1 %}s{% endif %} falling due soon",
        [
            "This is a courtesy reminder that the following "
            "invoice{% if items|length > 1 %}s fall{% else %} falls{% endif %} due shortly.",
            "If payment is already scheduled, thank you, and please disregard this message.",
        ],
    ),
    _template(
        "relance1",
        "fr",
        "Relance 1 – rappel courtois",
        "{{ company.name }} – "
        + _due(
            "rappel de facture{% if items|length > 1 %}s{% endif %} échue"
            "{% if items|length > 1 %}s{% endif %}",
            "échéance{% if items|length > 1 %}s{% endif %} à venir",
        ),
        [
            _due(
                "Sauf erreur ou omission de notre part, nous n'avons pas reçu à ce jour le "
                "règlement des sommes ci-dessous, arrivées à échéance. Il s'agit sans doute d'un "
                "simple oubli.",
                _NOT_DUE_FR,
            ),
            _due(
                "Nous vous remercions de bien vouloir procéder à leur règlement dans les "
                "meilleurs délais, ou de nous signaler toute difficulté.",
                _NOT_DUE_2_FR,
            ),
        ],
        [_PAID_FR],
    ),
    _template(
        "relance1",
        "en",
        "Reminder 1 – friendly reminder",
        "{{ company.name }} – " + _due("payment reminder", "payment falling due soon"),
        [
            _due(
                "According to our records, the amounts below are now past due. This is probably "
                "an oversight.",
                _NOT_DUE_EN,
            ),
            _due(
                "We would be grateful if you could arrange payment at your earliest convenience, "
                "or let us know of any issue.",
                _NOT_DUE_2_EN,
            ),
        ],
        [_PAID_EN],
    ),
    _template(
        "relance2",
        "fr",
        "Relance 2",
        "{{ company.name }} – " + _due("deuxième relance", "échéance à venir"),
        [
            _due(
                "Malgré notre précédent rappel, nous constatons que les sommes ci-dessous restent "
                "impayées à ce jour.",
                _NOT_DUE_FR,
            ),
            _due(
                "Nous vous demandons de bien vouloir régulariser votre situation sous huit jours. "
                "Votre interlocuteur reste à votre disposition pour convenir d'une date de "
                "règlement.",
                _NOT_DUE_2_FR,
            ),
        ],
        [_PENALTIES_FR, _PAID_FR],
    ),
    _template(
        "relance2",
        "en",
        "Reminder 2",
        "{{ company.name }} – " + _due("second reminder", "payment falling due soon"),
        [
            _due("Despite our previous reminder, the amounts below remain unpaid.", _NOT_DUE_EN),
            _due(
                "Please settle your account within eight days, or contact us to agree on a "
                "payment date.",
                _NOT_DUE_2_EN,
            ),
        ],
        [_PENALTIES_EN, _PAID_EN],
    ),
    _template(
        "relance3",
        "fr",
        "Relance 3 – règlement urgent",
        "{{ company.name }} – " + _due("troisième relance : règlement urgent", "échéance à venir"),
        [
            _due(
                "Nos précédentes relances étant restées sans effet, nous vous demandons de régler "
                "sans délai les sommes ci-dessous.",
                _NOT_DUE_FR,
            ),
            _due(
                "À défaut de règlement sous huit jours, nous nous verrons contraints de suspendre "
                "nos livraisons et d'engager une procédure de recouvrement.",
                _NOT_DUE_2_FR,
            ),
        ],
        [_PENALTIES_FR, _PAID_FR],
    ),
    _template(
        "relance3",
        "en",
        "Reminder 3 – urgent",
        "{{ company.name }} – "
        + _due("third reminder: payment urgently required", "payment falling due soon"),
        [
            _due(
                "Our previous reminders having remained unanswered, we ask you to pay the amounts "
                "below without delay.",
                _NOT_DUE_EN,
            ),
            _due(
                "Failing payment within eight days, we will have to put deliveries on hold and "
                "start collection proceedings.",
                _NOT_DUE_2_EN,
            ),
        ],
        [_PENALTIES_EN, _PAID_EN],
    ),
    _template(
        "relance3_lettre",
        "fr",
        "Relance 3 – courrier",
        _due("Relance : factures impayées", "Échéances à venir") + " – {{ customer.name }}",
        [
            _due(
                "Nos précédentes relances étant restées sans effet, nous vous demandons de régler "
                "sans délai les sommes ci-dessous, arrêtées au {{ as_of|longdate }}.",
                _NOT_DUE_FR,
            ),
            _due(
                "À défaut de règlement sous huit jours à réception de ce courrier, nous nous "
                "verrons contraints de suspendre nos livraisons et d'engager une procédure de "
                "recouvrement.",
                _NOT_DUE_2_FR,
            ),
        ],
        [_PENALTIES_FR],
    ),
    _template(
        "relance3_lettre",
        "en",
        "Reminder 3 – letter",
        _due("Unpaid invoices", "Invoices falling due") + " – {{ customer.name }}",
        [
            _due(
                "Our previous reminders having remained unanswered, we ask you to pay without "
                "delay the amounts below, as at {{ as_of|longdate }}.",
                _NOT_DUE_EN,
            ),
            _due(
                "Failing payment within eight days of receipt of this letter, we will have to "
                "put deliveries on hold and start collection proceedings.",
                _NOT_DUE_2_EN,
            ),
        ],
        [_PENALTIES_EN],
    ),
    _template(
        "appel",
        "fr",
        "Appel de relance (trame)",
        "Appeler {{ customer.name }} – {{ totals.net|money }} " + _due("échus", "à échoir"),
        [
            "Trame d'appel : se présenter, rappeler les relances envoyées (niveau R{{ level }}) "
            "et les pièces ci-dessous.",
            "Demander la raison du retard, obtenir une date et un montant de règlement, et les "
            "enregistrer comme promesse ; noter tout litige.",
        ],
    ),
    _template(
        "appel",
        "en",
        "Reminder call (script)",
        "Call {{ customer.name }} – {{ totals.net|money }} " + _due("overdue", "not yet due"),
        [
            "Call script: introduce yourself, recall the reminders sent (level {{ level }}) and "
            "the documents below.",
            "Ask why payment is late, get a payment date and amount and record it as a promise; "
            "note any dispute.",
        ],
    ),
    _template(
        "mise_en_demeure",
        "fr",
        "Mise en demeure de payer",
        _due("Mise en demeure de payer", "Échéances à venir") + " – {{ customer.name }}",
        [
            _due("<strong>Lettre recommandée avec accusé de réception</strong>", "Courrier"),
            _due("Objet : mise en demeure de payer", "Objet : échéances à venir"),
            _due(
                "Malgré nos relances successives, nous constatons que les sommes ci-dessous, "
                "arrêtées au {{ as_of|longdate }}, restent impayées.",
                _NOT_DUE_FR,
            ),
            _due(
                "En conséquence, nous vous mettons en demeure de nous régler la somme de "
                "{{ totals.net|money }} dans un délai de huit jours à compter de la réception de "
                "la présente.",
                _NOT_DUE_2_FR,
            ),
            _due(
                "À défaut, nous engagerons sans autre avis une procédure judiciaire de "
                "recouvrement (injonction de payer), dont les frais resteront à votre charge.",
                "Nous restons à votre disposition pour toute question.",
            ),
        ],
        [
            _PENALTIES_FR,
            _due(
                "La présente vaut mise en demeure au sens de l'article 1344 du Code civil et fait "
                "courir les intérêts moratoires.",
                _PAID_FR_LATER,
            ),
        ],
    ),
    _template(
        "mise_en_demeure",
        "en",
        "Final notice before legal action",
        _due("Final notice before legal action", "Invoices falling due") + " – {{ customer.name }}",
        [
            _due("<strong>Registered letter with acknowledgement of receipt</strong>", "Letter"),
            _due("Subject: formal notice to pay", "Subject: invoices falling due"),
            _due(
                "Despite our repeated reminders, the amounts below, as at {{ as_of|longdate }}, "
                "remain unpaid.",
                _NOT_DUE_EN,
            ),
            _due(
                "We hereby give you formal notice to pay {{ totals.net|money }} within eight days "
                "of receipt of this letter.",
                _NOT_DUE_2_EN,
            ),
            _due(
                "Failing this, we will start legal collection proceedings without further "
                "notice, at your expense.",
                "We remain at your disposal for any question.",
            ),
        ],
        [_PENALTIES_EN],
    ),
    _template(
        "remerciement",
        "fr",
        "Remerciement après règlement",
        "{{ company.name }} – merci pour votre règlement",
        [
            "Nous accusons bonne réception de votre règlement "
            "{% if items|length > 1 %}des factures ci-dessous{% else %}de la facture "
            "ci-dessous{% endif %} et vous en remercions.",
        ],
    ),
    _template(
        "remerciement",
        "en",
        "Thank you for your payment",
        "{{ company.name }} – thank you for your payment",
        [
            "We acknowledge receipt of your payment of the "
            "invoice{% if items|length > 1 %}s{% endif %} below and thank you for it.",
        ],
    ),
]

# The thank-you lists paid items: their amount, not a residual of zero.
for _t in TEMPLATES:
    if _t["code"] == "remerciement":
        _t["html"] = _t["html"].replace(
            "{{ item.owed|money(item.currency) }}", "{{ item.amount|money }}"
        )
        _t["text"] = _t["text"].replace(
            "{{ item.owed|money(item.currency) }}", "{{ item.amount|money }}"
        )
        for old in ("Total restant dû", "Total due"):
            _t["html"] = _t["html"].replace(old, "Total")
            _t["text"] = _t["text"].replace(old, "Total")
        _t["html"] = _t["html"].replace("{{ line.amount|money(line.currency) }}",
                                        "{{ totals.residual|money }}")  # fmt: skip


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
