"""Settings tab "Utilisateurs": the users, their roles, and the collectors' portfolios."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied
from src_dash.services.auth import ROLES
from src_dash.services.followup import InvalidInput
from src_dash.services.form_choices import find_customers, portfolio_customers, sales_rep_choices
from src_dash.services.users import (
    assign_customers,
    create_user,
    list_users,
    reset_password,
    set_sees_all_customers,
    set_user_active,
    set_user_role,
    unassign_customers,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import t
from src_dash.ui.pages.settings.common import (
    Choice,
    change,
    error_note,
    error_text,
    field,
    section,
    select,
)
from src_dash.ui.state import UiState

NONE = "-"


@dataclasses.dataclass
class UserRow:
    """A user as the admin sees it."""

    id: int = 0
    login: str = ""
    name: str = ""
    email: str = ""
    role: str = ""
    role_label: str = ""
    rep: str = ""
    rep_id: str = ""
    subtitle: str = ""
    active: bool = True
    sees_all: bool = False
    portfolio: str = ""
    is_me: bool = False


class UsersState(rx.State):
    """The users, the form to create one, and the portfolio being edited."""

    users: list[UserRow] = []
    roles: list[Choice] = []
    reps: list[Choice] = []
    error: str = ""
    loaded: bool = False

    new_login: str = ""
    new_name: str = ""
    new_email: str = ""
    new_role: str = "collector"
    new_password: str = ""
    new_rep: str = NONE
    new_error: str = ""

    password_for: int = 0
    password: str = ""

    portfolio_of: int = 0
    portfolio_name: str = ""
    portfolio: list[Choice] = []
    search: str = ""
    found: list[Choice] = []

    async def _read(self) -> None:
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        lang = fmt.lang
        engine = get_engine()
        try:
            users = await asyncio.to_thread(list_users, engine, who)
            reps = await asyncio.to_thread(sales_rep_choices, engine, who)
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, lang)
            self.loaded = True
            return
        self.roles = [Choice(r, i18n.text(f"role.{r}", lang)) for r in ROLES]
        self.reps = [Choice(NONE, "—")] + [
            Choice(str(r.id), f"{r.company_code} · {r.name or r.code}") for r in reps
        ]
        rep_names = {str(r.id): f"{r.company_code} · {r.name or r.code}" for r in reps}
        self.users = [
            UserRow(
                id=u.id,
                login=u.login,
                name=u.name,
                email=u.email,
                role=u.role,
                role_label=i18n.text(f"role.{u.role}", lang),
                rep=rep_names.get(str(u.sales_rep_id), "") if u.sales_rep_id else "",
                rep_id=str(u.sales_rep_id or ""),
                subtitle=" · ".join(
                    p
                    for p in (
                        u.email,
                        rep_names.get(str(u.sales_rep_id), "") if u.sales_rep_id else "",
                    )
                    if p
                ),
                active=u.active,
                sees_all=u.sees_all_customers,
                portfolio=i18n.text("set.us.portfolio_n", lang).format(
                    n=fmt.count(u.portfolio_size)
                ),
                is_me=u.id == who.user_id,
            )
            for u in users
        ]
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """Read the users and the Sage sales reps."""
        self.error = ""
        await self._read()

    @rx.event
    async def set_role(self, user_id: int, role: str) -> None:
        """Change a user's role (a sales rep keeps or needs their Sage sales rep)."""
        row = next((u for u in self.users if u.id == user_id), None)
        if row is None or row.role == role:
            return
        rep = int(row.rep_id) if role == "sales_rep" and row.rep_id.isdigit() else None
        await change(self, set_user_role, user_id, role, rep)

    @rx.event
    async def set_active(self, user_id: int, active: bool) -> None:
        """Deactivate a user (their sessions end) or activate them again."""
        await change(self, set_user_active, user_id, bool(active))

    @rx.event
    async def set_sees_all(self, user_id: int, value: bool) -> None:
        """Let a collector see every customer, or only their portfolio."""
        await change(self, set_sees_all_customers, user_id, bool(value))

    @rx.event
    def ask_password(self, user_id: int) -> None:
        """Open the new-password field of a user."""
        self.password_for = 0 if self.password_for == user_id else user_id
        self.password = ""

    @rx.event
    def set_password(self, value: str) -> None:
        """The new password typed."""
        self.password = value

    @rx.event
    async def save_password(self) -> rx.event.EventSpec | None:
        """Give the user the typed password (their sessions end)."""
        done = await change(self, reset_password, self.password_for, self.password)
        if not done.ok:
            return None
        self.password_for, self.password = 0, ""
        return done.toast("set.us.password_done")

    @rx.event
    def set_new(self, name: str, value: str) -> None:
        """One field of the new user's form."""
        if name in ("login", "name", "email", "role", "password", "rep"):
            setattr(self, f"new_{name}", value)

    @rx.event
    async def create(self) -> rx.event.EventSpec | None:
        """Create the user of the form."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        rep = int(self.new_rep) if self.new_rep.isdigit() else None
        login, password, role = self.new_login, self.new_password, self.new_role
        name, email = self.new_name, self.new_email
        try:
            made = await asyncio.to_thread(
                lambda: create_user(
                    get_engine(),
                    who,
                    login,
                    password,
                    role,
                    name=name,
                    email=email,
                    sales_rep_id=rep,
                    language=lang,
                )
            )
        except (AccessDenied, InvalidInput) as exc:
            self.new_error = error_text(exc, lang)
            return None
        self.new_error = ""
        self.new_login = self.new_name = self.new_email = self.new_password = ""
        self.new_rep = NONE
        await self._read()
        return rx.toast.success(i18n.text("set.us.created", lang).format(login=made.login))

    async def _read_portfolio(self) -> None:
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        try:
            mine = await asyncio.to_thread(
                portfolio_customers, get_engine(), who, self.portfolio_of
            )
            found = await asyncio.to_thread(find_customers, get_engine(), who, self.search, 20)
        except AccessDenied as exc:
            self.error = error_text(exc, lang)
            return
        self.portfolio = [
            Choice(str(c.id), f"{c.name} · {c.number} ({c.company_code})") for c in mine
        ]
        have = {c.id for c in mine}
        self.found = [
            Choice(str(c.id), f"{c.name} · {c.number} ({c.company_code})")
            for c in found
            if c.id not in have
        ]

    @rx.event
    async def open_portfolio(self, user_id: int) -> None:
        """Edit the portfolio of a collector."""
        row = next((u for u in self.users if u.id == user_id), None)
        if row is None:
            return
        self.portfolio_of, self.portfolio_name, self.search = user_id, row.name, ""
        await self._read_portfolio()

    @rx.event
    def close_portfolio(self, open_: bool = False) -> None:
        """Close the portfolio dialog."""
        if not open_:
            self.portfolio_of = 0

    @rx.event
    async def search_customers(self, value: str) -> None:
        """Find customers to add to the portfolio."""
        self.search = value
        await self._read_portfolio()

    @rx.event
    async def assign(self, customer_id: str) -> None:
        """Add a customer to the portfolio."""
        if (await change(self, assign_customers, self.portfolio_of, [int(customer_id)])).ok:
            await self._read_portfolio()

    @rx.event
    async def unassign(self, customer_id: str) -> None:
        """Take a customer out of the portfolio."""
        if (await change(self, unassign_customers, self.portfolio_of, [int(customer_id)])).ok:
            await self._read_portfolio()


def _switch_label(label_key: str, checked: rx.Var[bool], on_change, **props) -> rx.Component:  # noqa: ANN001
    """A small switch with its words, both in one label (`props` go to the switch)."""
    return rx.text(
        rx.flex(
            rx.switch(checked=checked, on_change=on_change, **props, size="1"),
            t(label_key, UiState.lang),
            spacing="2",
            align="center",
        ),
        as_="label",
        size="1",
    )


def _user_header(u: UserRow) -> rx.Component:
    """The user's name, login and subtitle, and the role picker beside them."""
    s = UsersState
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.text(u.name, weight="bold", size="2"),
                rx.badge(u.login, variant="outline", color_scheme="gray"),
                rx.cond(
                    ~u.active,
                    rx.badge(t("set.us.inactive", UiState.lang), color_scheme="red"),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                u.subtitle != "",
                rx.text(u.subtitle, size="1", color_scheme="gray"),
            ),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.box(
            rx.select.root(
                rx.select.trigger(width="100%"),
                rx.select.content(
                    rx.foreach(s.roles, lambda c: rx.select.item(c.label, value=c.value))
                ),
                value=u.role,
                on_change=lambda v: UsersState.set_role(u.id, v),
                disabled=u.is_me,
                size="1",
            ),
            width=rx.breakpoints(initial="100%", sm="210px"),
        ),
        spacing="2",
        direction=rx.breakpoints(initial="column", sm="row"),
        width="100%",
    )


def _user_actions(u: UserRow) -> rx.Component:
    """Active or not, a collector's reach and portfolio, and the new-password button."""
    return rx.flex(
        _switch_label(
            "set.us.active",
            u.active,
            lambda v: UsersState.set_active(u.id, v),
            disabled=u.is_me,
        ),
        rx.cond(
            u.role == "collector",
            rx.fragment(
                _switch_label(
                    "set.us.sees_all", u.sees_all, lambda v: UsersState.set_sees_all(u.id, v)
                ),
                rx.button(
                    rx.icon("briefcase", size=14),
                    u.portfolio,
                    on_click=UsersState.open_portfolio(u.id),
                    variant="soft",
                    size="1",
                    data_testid="user-portfolio",
                ),
            ),
        ),
        rx.button(
            rx.icon("key-round", size=14),
            t("set.us.password", UiState.lang),
            on_click=UsersState.ask_password(u.id),
            variant="ghost",
            size="1",
        ),
        spacing="3",
        wrap="wrap",
        align="center",
    )


def _password_field(u: UserRow) -> rx.Component:
    """The new password of the user, when asked for."""
    s = UsersState
    return rx.cond(
        s.password_for == u.id,
        rx.flex(
            rx.input(
                type="password",
                value=s.password,
                on_change=s.set_password,
                placeholder=t("set.us.password_hint", UiState.lang),
                auto_complete="new-password",
                flex="1",
                min_width="0",
            ),
            rx.button(t("set.save", UiState.lang), on_click=s.save_password, size="2"),
            spacing="2",
            width="100%",
        ),
    )


def _user_card(u: UserRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            _user_header(u),
            _user_actions(u),
            _password_field(u),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="user-card",
        data_login=u.login,
    )


def _new_user() -> rx.Component:
    s = UsersState

    def box(key: str, name: str, value: rx.Var[str], **props) -> rx.Component:
        return field(
            key,
            rx.input(
                value=value,
                on_change=lambda v: UsersState.set_new(name, v),
                width="100%",
                id=f"user-new-{name}",
                **props,
            ),
        )

    return section(
        "set.us.new",
        rx.grid(
            box("set.us.login", "login", s.new_login, auto_complete="off"),
            box("set.us.name", "name", s.new_name),
            box("set.us.email", "email", s.new_email, type="email"),
            box(
                "set.us.password",
                "password",
                s.new_password,
                type="password",
                auto_complete="new-password",
            ),
            field(
                "set.us.role",
                select(
                    s.roles, s.new_role, lambda v: UsersState.set_new("role", v), "user-new-role"
                ),
            ),
            rx.cond(
                s.new_role == "sales_rep",
                field(
                    "set.us.rep",
                    select(
                        s.reps, s.new_rep, lambda v: UsersState.set_new("rep", v), "user-new-rep"
                    ),
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="3",
            width="100%",
        ),
        error_note(s.new_error, "user-new-error"),
        rx.button(
            rx.icon("user-plus", size=14),
            t("set.us.create", UiState.lang),
            on_click=s.create,
            id="user-create",
        ),
        section_id="user-new",
    )


def _portfolio_dialog() -> rx.Component:
    s = UsersState

    def line(c: Choice, icon: str, on_click, color: str) -> rx.Component:  # noqa: ANN001
        return rx.flex(
            rx.text(c.label, size="2", flex="1", min_width="0", word_break="break-word"),
            rx.icon_button(
                rx.icon(icon, size=14),
                on_click=on_click(c.value),
                variant="soft",
                color_scheme=color,
                size="1",
            ),
            spacing="2",
            align="center",
            width="100%",
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("set.us.portfolio_of", UiState.lang), " ", s.portfolio_name),
            rx.vstack(
                rx.box(
                    rx.vstack(
                        rx.foreach(
                            s.portfolio, lambda c: line(c, "minus", UsersState.unassign, "red")
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    max_height="220px",
                    overflow_y="auto",
                    width="100%",
                ),
                rx.input(
                    value=s.search,
                    on_change=s.search_customers,
                    placeholder=t("set.tpl.search_customer", UiState.lang),
                    width="100%",
                ),
                rx.box(
                    rx.vstack(
                        rx.foreach(s.found, lambda c: line(c, "plus", UsersState.assign, "green")),
                        spacing="1",
                        width="100%",
                    ),
                    max_height="220px",
                    overflow_y="auto",
                    width="100%",
                ),
                rx.dialog.close(rx.button(t("set.close", UiState.lang), variant="soft")),
                spacing="3",
                width="100%",
            ),
            max_width="560px",
        ),
        open=s.portfolio_of != 0,
        on_open_change=s.close_portfolio,
    )


def users_tab() -> rx.Component:
    """The users and the form to create one."""
    s = UsersState
    return rx.vstack(
        error_note(s.error, "users-error"),
        rx.grid(
            rx.foreach(s.users, _user_card),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="3",
            width="100%",
            id="users-list",
        ),
        _new_user(),
        _portfolio_dialog(),
        spacing="4",
        width="100%",
    )
