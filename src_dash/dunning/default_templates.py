"""The default templates' texts (French and English): prévenance, relances 1 to 3, the letter of
relance 3, the call's notes, the mise en demeure and the thank-you, from shared pieces (the table
of items, the greeting, the signature, the payment and penalties paragraphs).

See `src_dash.dunning.defaults`, which seeds them.
"""

from __future__ import annotations

import string

# ---- shared pieces of the templates

# The table of items in an HTML body, in each language's words.
_TABLE_WORDS = {
    "fr": {
        "piece": "Pièce", "reference": "Référence", "due": "Échéance", "late": "Retard",
        "status": "Statut", "level": "Niveau", "residual": "Reste dû", "days": "j",
        "not_due": "à échoir", "reminder": "R", "payment": "règlement non affecté",
        "credit": "avoir", "total": "Total restant dû",
    },
    "en": {
        "piece": "Document", "reference": "Reference", "due": "Due date", "late": "Overdue",
        "status": "Status", "level": "Reminder", "residual": "Amount due", "days": "days",
        "not_due": "not yet due", "reminder": "#", "payment": "unapplied payment",
        "credit": "credit note", "total": "Total due",
    },
}  # fmt: skip
_TABLE = string.Template("""
<table style="border-collapse:collapse;width:100%;font-size:13px">
  <thead>
    <tr style="background:#f0f2f5">
      <th style="text-align:left;padding:4px 6px">$piece</th>
      <th style="text-align:left;padding:4px 6px">$reference</th>
      <th style="text-align:left;padding:4px 6px">$due</th>
      <th style="text-align:right;padding:4px 6px">{% if overdue %}$late{% else %}$status{% endif %}</th>
      <th style="text-align:center;padding:4px 6px">$level</th>
      <th style="text-align:right;padding:4px 6px">$residual</th>
    </tr>
  </thead>
  <tbody>
  {% for item in items %}
    <tr>
      <td style="padding:4px 6px">{{ item.piece }}</td>
      <td style="padding:4px 6px">{{ item.reference }}</td>
      <td style="padding:4px 6px">{{ item.due_date|date }}</td>
      <td style="text-align:right;padding:4px 6px">{% if item.overdue %}{{ item.days_late }} $days{% else %}$not_due{% endif %}</td>
      <td style="text-align:center;padding:4px 6px">{% if item.level >= 1 and item.overdue %}$reminder{{ item.level }}{% else %}–{% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ item.owed|money(item.currency) }}</td>
    </tr>
  {% endfor %}
  {% for item in credits %}
    <tr style="color:#555">
      <td style="padding:4px 6px">{{ item.piece }}</td>
      <td style="padding:4px 6px">{{ item.reference }}</td>
      <td style="padding:4px 6px">{{ item.due_date|date }}</td>
      <td colspan="2" style="padding:4px 6px">{% if item.kind == 'payment' %}$payment{% else %}$credit{% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ item.owed|money(item.currency) }}</td>
    </tr>
  {% endfor %}
  </tbody>
  <tfoot>
  {% for line in totals.owed %}
    <tr style="font-weight:bold">
      <td colspan="5" style="padding:4px 6px">$total{% if totals.owed|length > 1 %} ({{ line.currency }}){% endif %}</td>
      <td style="text-align:right;padding:4px 6px">{{ line.amount|money(line.currency) }}</td>
    </tr>
  {% endfor %}
  </tfoot>
</table>
""")  # noqa: E501
_TABLE_FR = _TABLE.substitute(_TABLE_WORDS["fr"])
_TABLE_EN = _TABLE.substitute(_TABLE_WORDS["en"])

_TEXT_TABLE_FR = """{% for item in items %}- {{ item.piece }}{% if item.reference and item.reference != item.piece %} ({{ item.reference }}){% endif %}, échéance du {{ item.due_date|date }}{% if item.overdue %}, {{ item.days_late }} jours de retard{% if item.level >= 1 %}, relance R{{ item.level }}{% endif %}{% else %}, à échoir{% endif %} : {{ item.owed|money(item.currency) }}
{% endfor %}{% for item in credits %}- {{ item.piece }} ({% if item.kind == 'payment' %}règlement non affecté{% else %}avoir{% endif %}) : {{ item.owed|money(item.currency) }}
{% endfor %}{% for line in totals.owed %}Total restant dû : {{ line.amount|money(line.currency) }}
{% endfor %}"""  # noqa: E501

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

# The customer's personal link to their space (an email's; a letter prints it with its QR code
# in its own block, see `letter_layout`). Not in the call's notes: a call sends nothing.
_SPACE_HTML = {
    "fr": "Consultez votre compte et répondez en ligne : "
    '<a href="{{ space_url }}">{{ space_url }}</a>',
    "en": 'View your account and reply online: <a href="{{ space_url }}">{{ space_url }}</a>',
}
_SPACE_TEXT = {
    "fr": "Consultez votre compte et répondez en ligne : {{ space_url }}",
    "en": "View your account and reply online: {{ space_url }}",
}


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
    lang: str,
    paragraphs: list[str],
    after: list[str],
    with_table: bool = True,
    space: bool = True,
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
    if space:
        link = "{% if space_url and channel != 'letter' %}"
        table_html += f"{link}<p>{_SPACE_HTML[lang]}</p>\n{{% endif %}}"
        table_text += f"{link}\n\n{_SPACE_TEXT[lang]}{{% endif %}}"
    return (
        _html(header, paragraphs, table_html, signature, [*after, closing]),
        _text(header, paragraphs, table_text, signature, [*after, closing]),
    )


def _template(code: str, lang: str, name: str, subject: str, paragraphs, after=()):  # noqa: ANN001, ANN202
    html, text = _both(lang, list(paragraphs), list(after), space=code != "appel")
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
