"""The settings tab "Espace client": a company, its accent colour, its logo."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.i18n import t
from src_dash.ui.pages.settings.common import field, red_line, section
from src_dash.ui.pages.settings.space_brand.state import UPLOAD_ID, SpaceBrandState
from src_dash.ui.state import UiState

S = SpaceBrandState
L = UiState.lang


def _company() -> rx.Component:
    return field(
        "space.brand.company",
        rx.el.select(
            rx.foreach(S.companies, lambda c: rx.el.option(c[1], value=c[0])),
            value=S.company_id,
            on_change=S.set_company,
            id="space-brand-company",
            style={"padding": "0.4em", "max_width": "420px"},
        ),
    )


def _accent() -> rx.Component:
    return rx.form(
        rx.hstack(
            field(
                "space.brand.accent",
                rx.input(
                    name="accent",
                    default_value=S.accent,
                    key=S.company_id + S.accent,
                    placeholder="#1a4f8b",
                    id="space-brand-accent",
                    max_width="160px",
                ),
                width="auto",
            ),
            rx.box(
                width="28px",
                height="28px",
                border_radius="6px",
                border="1px solid var(--gray-a7)",
                background=rx.cond(S.accent != "", S.accent, "var(--accent-9)"),
                id="space-brand-swatch",
            ),
            rx.button(t("space.brand.save", L), type="submit", id="space-brand-save"),
            align="end",
            spacing="3",
        ),
        on_submit=S.save_accent,
    )


def _logo() -> rx.Component:
    return rx.vstack(
        rx.text(t("space.brand.logo", L), size="1", weight="medium", color_scheme="gray"),
        rx.cond(
            S.logo != "",
            rx.hstack(
                rx.image(src=S.logo, alt="logo", max_height="64px", id="space-brand-logo"),
                rx.button(
                    t("space.brand.remove", L),
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.remove,
                    id="space-brand-remove",
                ),
                align="center",
                spacing="3",
            ),
            rx.text(t("space.brand.no_logo", L), size="2", color_scheme="gray"),
        ),
        rx.upload(
            rx.vstack(
                rx.text(t("space.brand.drop", L), size="2"),
                rx.button(t("space.brand.choose", L), variant="soft", size="2", type="button"),
                align="center",
                spacing="2",
            ),
            id=UPLOAD_ID,
            multiple=False,
            max_files=1,
            accept={
                "image/png": [".png"],
                "image/jpeg": [".jpg", ".jpeg"],
                "image/svg+xml": [".svg"],
            },  # fmt: skip
            on_drop=S.drop_logo(rx.upload_files(upload_id=UPLOAD_ID)),
            border="2px dashed var(--gray-a7)",
            border_radius="var(--radius-3)",
            padding="16px",
            width="100%",
            max_width="420px",
            cursor="pointer",
        ),
        spacing="2",
        width="100%",
    )


def space_brand_tab() -> rx.Component:
    """The company's look in its customers' spaces."""
    return section(
        "space.brand.title",
        rx.text(t("space.brand.intro", L), size="2", color_scheme="gray"),
        _company(),
        _accent(),
        _logo(),
        red_line(S.error, role="alert", id="space-brand-error"),
        rx.cond(
            S.done != "", rx.text(S.done, size="2", color_scheme="green", id="space-brand-done")
        ),
        section_id="space-brand-section",
    )
