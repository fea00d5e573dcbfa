"""Settings tab "Utilisateurs": the users, their roles, the collectors' portfolios, and the reset of
a user's second factor."""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash.services import second_factor
from src_dash.services.auth import ROLES
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
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.controls import (
    button,
    close_button,
    column,
    dialog,
    ghost_button,
    row,
    scroll_list,
    soft_button,
)
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.settings.common import (
    Choice,
    FormFields,
    TabState,
    call,
    card_grid,
    change,
    check_label,
    error_note,
    form_section,
    input_and_button,
    read_all,
    select,
)
from src_dash.ui.pages.settings.login_holds import login_holds

NONE = "-"
# The new user's form as it opens: its texts empty, a collector without a sales rep.
_NEW_USER = {"login": "", "name": "", "email": "", "role": "collector", "password": "", "rep": NONE}


@dataclasses.dataclass
class UserRow:
    """A user as the admin sees it."""

    id: int = 0
    login: str = ""
    name: str = ""
    role: str = ""
    rep_id: str = ""
    subtitle: str = ""
    active: bool = True
    sees_all: bool = False
    portfolio: str = ""
    is_me: bool = False
    second_factor: bool = False


def _customer_choice(c) -> Choice:  # noqa: ANN001
    return Choice(str(c.id), f"{c.name} · {c.number} ({c.company_code})")


def _user_row(u, rep_names: dict[str, str], fmt: Formats, me: int) -> UserRow:  # noqa: ANN001
    """A user as the admin sees it (`rep_names`: the Sage sales reps' names by id)."""
    rep = rep_names.get(str(u.sales_rep_id), "") if u.sales_rep_id else ""
    return UserRow(
        **{name: getattr(u, name) for name in ("id", "login", "name", "role", "active")},
        rep_id=str(u.sales_rep_id or ""),
        subtitle=" · ".join(p for p in (u.email, rep) if p),
        sees_all=u.sees_all_customers,
        portfolio=i18n.text("set.us.portfolio_n", fmt.lang).format(n=fmt.count(u.portfolio_size)),
        is_me=u.id == me,
        second_factor=u.second_factor,
    )


class UsersState(TabState, rx.State):
    """The users, the form to create one, and the portfolio being edited."""

    users: list[UserRow] = []
    roles: list[Choice] = []
    reps: list[Choice] = []

    new: dict[str, str] = _NEW_USER
    new_error: str = ""

    password_for: int = 0
    password: str = ""

    portfolio_of: int = 0
    portfolio_name: str = ""
    portfolio: list[Choice] = []
    search: str = ""
    found: list[Choice] = []

    async def _read(self) -> None:
        done = await read_all(self, (list_users,), (sales_rep_choices,))
        if done is None:
            return
        (users, reps), fmt = done.value, done.fmt
        self.roles = [Choice(r, i18n.text(f"role.{r}", fmt.lang)) for r in ROLES]
        rep_names = {str(r.id): f"{r.company_code} · {r.name or r.code}" for r in reps}
        self.reps = [Choice(NONE, "—")] + [Choice(k, v) for k, v in rep_names.items()]
        me = done.viewer.user_id
        self.users = [_user_row(u, rep_names, fmt, me) for u in users]
        self.loaded = True

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
    async def reset_second_factor(self, user_id: int) -> rx.event.EventSpec | None:
        """Turn a user's second factor off (a lost phone): their password alone signs in."""
        row = next((u for u in self.users if u.id == user_id), None)
        if row is None:
            return None
        done = await change(self, second_factor.reset, user_id)
        return done.toast("set.us.tf_reset_done", login=row.login) if done.ok else None

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
        if name in _NEW_USER:
            self.new = {**self.new, name: value}

    @rx.event
    async def create(self) -> rx.event.EventSpec | None:
        """Create the user of the form."""
        lang = (await current_formats(self)).lang
        new = self.new
        rep = int(new["rep"]) if new["rep"].isdigit() else None
        done = await call(
            self,
            create_user,
            new["login"],
            new["password"],
            new["role"],
            name=new["name"],
            email=new["email"],
            sales_rep_id=rep,
            language=lang,
        )
        self.new_error = done.error
        if not done.ok:
            return None
        self.new = {**_NEW_USER, "role": new["role"]}
        await self._read()
        return done.toast("set.us.created", login=done.value.login)

    async def _read_portfolio(self) -> None:
        done = await read_all(
            self,
            (portfolio_customers, self.portfolio_of),
            (find_customers, self.search, 20),
        )
        if done is None:
            return
        mine, found = done.value
        have = {c.id for c in mine}
        self.portfolio = [_customer_choice(c) for c in mine]
        self.found = [_customer_choice(c) for c in found if c.id not in have]

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


def _switch(label_key: str, checked: rx.Var[bool], on_change, **props) -> rx.Component:  # noqa: ANN001
    """A small switch with its words (`props` go to the switch)."""
    return check_label(
        rx.switch(checked=checked, on_change=on_change, **props, size="1"), label_key, size="1"
    )


def _user_header(u: UserRow) -> rx.Component:
    """The user's name, login and subtitle, and the role picker beside them."""
    return rx.flex(
        rx.vstack(
            row(
                rx.text(u.name, weight="bold", size="2"),
                rx.badge(u.login, variant="outline", color_scheme="gray"),
                rx.cond(~u.active, rx.badge(words("set.us.inactive"), color_scheme="red")),
                rx.cond(
                    u.second_factor,
                    rx.badge(words("set.us.tf"), color_scheme="green", data_testid="user-2fa"),
                ),
            ),
            rx.cond(u.subtitle != "", rx.text(u.subtitle, size="1", color_scheme="gray")),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.box(
            select(
                UsersState.roles,
                u.role,
                lambda v: UsersState.set_role(u.id, v),
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
    return row(
        _switch(
            "set.us.active", u.active, lambda v: UsersState.set_active(u.id, v), disabled=u.is_me
        ),
        rx.cond(
            u.role == "collector",
            rx.fragment(
                _switch("set.us.sees_all", u.sees_all, lambda v: UsersState.set_sees_all(u.id, v)),
                soft_button(
                    "briefcase",
                    u.portfolio,
                    icon_size=14,
                    on_click=UsersState.open_portfolio(u.id),
                    size="1",
                    data_testid="user-portfolio",
                ),
            ),
        ),
        ghost_button("key-round", "set.us.password", on_click=UsersState.ask_password(u.id)),
        rx.cond(
            u.second_factor,
            ghost_button(
                "shield-off",
                "set.us.tf_reset",
                on_click=UsersState.reset_second_factor(u.id),
                data_testid="user-2fa-reset",
            ),
        ),
        spacing="3",
    )


def _password_field(u: UserRow) -> rx.Component:
    """The new password of the user, when asked for."""
    s = UsersState
    return rx.cond(
        s.password_for == u.id,
        input_and_button(
            rx.button(words("set.save"), on_click=s.save_password, size="2"),
            type="password",
            value=s.password,
            on_change=s.set_password,
            placeholder=words("set.us.password_hint"),
            auto_complete="new-password",
        ),
    )


def _user_card(u: UserRow) -> rx.Component:
    return rx.card(
        column(_user_header(u), _user_actions(u), _password_field(u), spacing="2"),
        width="100%",
        data_testid="user-card",
        data_login=u.login,
    )


def _new_user() -> rx.Component:
    s = UsersState
    form = FormFields(UsersState.set_new, "user-new-", values=s.new)
    return form_section(
        "set.us.new",
        (
            form.text("set.us.login", "login", auto_complete="off"),
            form.text("set.us.name", "name"),
            form.text("set.us.email", "email", type="email"),
            form.text(
                "set.us.password",
                "password",
                type="password",
                auto_complete="new-password",
            ),
            form.choice("set.us.role", "role", s.roles, s.new["role"]),
            rx.cond(
                s.new["role"] == "sales_rep", form.choice("set.us.rep", "rep", s.reps, s.new["rep"])
            ),
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        error=s.new_error,
        error_id="user-new-error",
        submit=button(
            "user-plus", "set.us.create", icon_size=14, on_click=s.create, id="user-create"
        ),
        section_id="user-new",
    )


def _portfolio_line(c: Choice, icon: str, on_click, color: str) -> rx.Component:  # noqa: ANN001
    """A customer of the dialog, with the button taking it out or adding it."""
    return row(
        rx.text(c.label, size="2", flex="1", min_width="0", word_break="break-word"),
        rx.icon_button(
            rx.icon(icon, size=14),
            on_click=on_click(c.value),
            variant="soft",
            color_scheme=color,
            size="1",
        ),
        width="100%",
    )


def _portfolio_dialog() -> rx.Component:
    """The collector's customers (take one out), and a search to add more."""
    s = UsersState
    return dialog(
        words("set.us.portfolio_of") + " " + s.portfolio_name,
        scroll_list(
            rx.foreach(s.portfolio, lambda c: _portfolio_line(c, "minus", s.unassign, "red"))
        ),
        rx.input(
            value=s.search,
            on_change=s.search_customers,
            placeholder=words("set.tpl.search_customer"),
            width="100%",
        ),
        scroll_list(rx.foreach(s.found, lambda c: _portfolio_line(c, "plus", s.assign, "green"))),
        close_button("set.close"),
        open_=s.portfolio_of != 0,
        on_open_change=s.close_portfolio,
        max_width="560px",
    )


def users_tab() -> rx.Component:
    """The users and the form to create one."""
    s = UsersState
    return rx.vstack(
        error_note(s.error, "users-error"),
        card_grid(s.users, _user_card, "users-list"),
        _new_user(),
        login_holds(),
        _portfolio_dialog(),
        spacing="4",
        width="100%",
    )
