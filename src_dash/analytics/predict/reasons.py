"""Why an item is predicted late (or not): its top reasons, in words, from its features.

The reasons are the features that push towards paying late, each with a strength on one scale
(about 1 = a clear signal), the strongest first. They read the item's features, not the model's
internals: they say what in the history stands out, in the words a collector uses.
"""

from __future__ import annotations

TOP = 3


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n < 2 else many}"


def _candidates(row: dict) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []

    def get(name: str) -> float:
        value = row.get(name)
        return 0.0 if value is None or value != value else float(value)  # NaN is missing

    past_due, delay, share = get("days_past_due"), get("delay_recent"), get("share_late")
    if past_due > 0:
        out.append((past_due / 30, f"échue depuis {round(past_due)} j"))
    if delay > 5:
        out.append((delay / 15, f"paie en moyenne {round(delay)} j après l'échéance"))
    if share >= 0.3:
        out.append((share * 2, f"{round(share * 100)} % des factures payées en retard"))
    if get("trend") > 5:
        out.append((get("trend") / 10, "retard en hausse"))
    broken = int(get("promises_broken"))
    if broken:
        out.append((broken * 1.5, _plural(broken, "promesse non tenue", "promesses non tenues")))
    if get("disputed"):
        out.append((2.0, "litige ouvert sur la pièce"))
    elif get("disputes"):
        out.append((get("disputes"), _plural(int(get("disputes")), "litige", "litiges")))
    if get("bounced"):
        out.append((get("bounced") * 1.5, _plural(int(get("bounced")), "impayé", "impayés")))
    if get("relative_amount") >= 2:
        out.append(
            (get("relative_amount") / 3, f"montant {get('relative_amount'):.1f}× l'habituel")
        )
    if get("partial_share") >= 0.3:
        out.append((get("partial_share"), "paiements partiels"))
    return out


def _reassuring(row: dict) -> list[str]:
    out = []
    delay = row.get("delay_recent")
    if delay is not None and delay == delay and delay <= 5:
        out.append("paie à l'échéance")
    if row.get("promised"):
        out.append("promesse de paiement en cours")
    if not row.get("settled_count"):
        out.append("peu d'historique")
    return out


def reasons(row: dict, top: int = TOP) -> list[str]:
    """The top reasons of one prediction row (features and late_probability), strongest first.

    A row predicted on time (late probability below one half) gives what reassures instead when
    nothing stands out.
    """
    found = [text for _, text in sorted(_candidates(row), key=lambda c: -c[0])]
    if (row.get("late_probability") or 0) < 0.5 and not found:
        found = _reassuring(row)
    return found[:top]
