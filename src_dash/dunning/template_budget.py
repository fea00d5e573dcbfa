"""Templates' budgets: what one render of a template may cost, in time, in work and in size.

The sandbox (`template_sandbox`) keeps a template inside its variables; this module keeps it
inside a budget, so that an admin's template can neither freeze the server nor fill its memory
(``(customer.name ~ 'x') * 10**8``, ``10**10**10``, loops nested over large ranges):

- every value a template builds is measured before it is built: ``*``, ``**``, ``+`` and ``%``
  are intercepted, and so are ``~``, the filters that make a text bigger than what they are
  given (center, indent, replace, format, join, sum, wordwrap...) and the methods of texts that
  do (``'x'.ljust(n)``, ``'{:>9999999}'.format(...)``); a value may weigh at most `MAX_SIZE`
  characters (a list weighs what its items weigh, counted as often as they appear), a whole
  number at most `MAX_INT_BITS` bits;
- ``range`` gives at most `MAX_RANGE` numbers;
- a render may produce at most `MAX_OUTPUT` characters, and go round its loops, call its
  macros, filters and methods at most `MAX_STEPS` times;
- a render has a deadline, checked at each of those steps: it stops itself (a thread cannot be
  stopped from outside) with `BudgetExceeded` (see `Budget`).

The budget of the render under way is in a context variable (`metered`), so renders on several
threads do not share one.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg

MAX_SIZE = 1_000_000  # characters (or items) of one value
MAX_OUTPUT = 5_000_000  # characters a render produces
MAX_STEPS = 500_000  # loop turns, calls, filters and operators of one render
MAX_INT_BITS = 10_000  # a whole number (about 3,000 digits)
MAX_EXPONENT = 10_000
MAX_RANGE = 10_000
MAX_SLOW_INPUT = 100_000  # characters given to the slow filters (wordwrap, urlize)
SECONDS = 2.0  # a render's deadline


class BudgetExceeded(SecurityError):
    """A template went past one of its limits; the message says which, in English (the
    settings page says it in French)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"The template exceeds the limit of {what}")


def _too_big(limit: int = MAX_SIZE) -> BudgetExceeded:
    return BudgetExceeded(f"{limit} characters for a value")


@dataclass
class Budget:
    """What a render has spent, and its deadline (`time.monotonic`).

    The deadline stops a render once it is past in wall-clock time and the render's thread has
    itself worked a tenth of it (`time.thread_time`): a busy machine that keeps a small render
    waiting does not make it fail, a render that works does stop."""

    deadline: float
    seconds: float
    cpu_start: float = 0.0
    steps: int = 0
    output: int = 0

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > MAX_STEPS:
            raise BudgetExceeded(f"{MAX_STEPS} loop turns and calls")
        if (
            time.monotonic() > self.deadline
            and time.thread_time() - self.cpu_start > self.seconds / 10
        ):
            raise BudgetExceeded(f"{self.seconds:g} seconds of rendering")

    def produce(self, size: int) -> None:
        self.output += size
        if self.output > MAX_OUTPUT:
            raise BudgetExceeded(f"{MAX_OUTPUT} characters of output")


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "template_budget", default=None
)


@contextlib.contextmanager
def metered(seconds: float = SECONDS) -> Iterator[Budget]:
    """A fresh budget for the render done inside the block."""
    budget = Budget(
        deadline=time.monotonic() + seconds, seconds=seconds, cpu_start=time.thread_time()
    )
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def _step(count: int = 1) -> None:
    budget = _CURRENT.get()
    if budget is not None:
        budget.step(count)


# ---- sizes


def weight(value: object, limit: int = MAX_SIZE) -> int:
    """What building the text of `value` costs, in characters: a text its length, a list the
    weight of its items (each time it appears), a whole number its digits; the count stops as
    soon as it passes `limit` (so measuring a huge value is cheap)."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item) + 1
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, dict):
            total += 2 * len(item) + 1
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, range):
            total += len(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 1
        else:
            total += 1
        if total > limit:
            return total
    return total


def check_size(value: object, limit: int = MAX_SIZE) -> object:
    """`value` when it weighs at most `limit`, else BudgetExceeded."""
    if weight(value, limit) > limit:
        raise _too_big(limit)
    return value


def bounded_items(values: Iterable, extra: int = 0, limit: int = MAX_SIZE) -> list:
    """The items of an iterable in a list, refused as soon as their weight (plus `extra` per
    item) passes `limit`."""
    items, total = [], 0
    for item in values:
        total += weight(item, limit) + extra
        if total > limit:
            raise _too_big(limit)
        items.append(item)
    return items


def _check_int_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise BudgetExceeded(f"{MAX_INT_BITS} bits for a number")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_power(left: object, right: object) -> None:
    if isinstance(right, (int, float)) or hasattr(right, "is_nan"):
        try:
            big = abs(right) > MAX_EXPONENT
        except TypeError:
            return
        if big and not (isinstance(left, (int, float)) and abs(left) <= 1):
            raise BudgetExceeded(f"{MAX_EXPONENT} for an exponent")
    if _is_int(left) and _is_int(right) and right > 0:
        _check_int_bits(max(abs(left).bit_length() - 1, 0) * right)


def _check_product(left: object, right: object) -> None:
    if _is_int(left) and _is_int(right):
        _check_int_bits(abs(left).bit_length() + abs(right).bit_length())
        return
    for count, seq in ((left, right), (right, left)):
        sequence = isinstance(seq, (str, bytes, list, tuple))
        if sequence and _is_int(count) and (count > MAX_SIZE or count * weight(seq) > MAX_SIZE):
            raise _too_big()


def _check_sum(left: object, right: object) -> None:
    if _is_int(left) and _is_int(right):
        _check_int_bits(max(abs(left).bit_length(), abs(right).bit_length()) + 1)
    elif (
        isinstance(left, (str, bytes, list, tuple))
        and isinstance(right, (str, list, tuple))
        and weight(left) + weight(right) > MAX_SIZE
    ):
        raise _too_big()


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")
_NESTED_FIELD = re.compile(r"\{[^{}]*:[^{}]*\{")


def check_percent_format(text: object, args: object) -> None:
    """``text % args`` (and the ``format`` filter): no width or precision from the arguments
    (``%*s``), none over the size limit, arguments within it."""
    if not isinstance(text, str):
        return
    for width, precision in _PERCENT_SPEC.findall(text):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_SIZE):
                raise _too_big()
    check_size(args)


def check_brace_format(text: str, args: tuple, kwargs: dict) -> None:
    """``text.format(...)``: no width over the size limit, none taken from the arguments
    (``{:{}}``), arguments within the limit."""
    if _NESTED_FIELD.search(text) or any(int(d) > MAX_SIZE for d in _DIGITS.findall(text)):
        raise _too_big()
    check_size((args, kwargs))


# ---- filters


def _amplifying_checks(name: str, value: object, args: tuple, kwargs: dict) -> None:
    """The filters whose text can be much bigger than what they are given."""
    text = value if isinstance(value, str) else None
    if name == "center":
        width = args[0] if args else kwargs.get("width", 80)
        if _is_int(width) and width > MAX_SIZE:
            raise _too_big()
    elif name == "indent":
        width = args[0] if args else kwargs.get("width", 4)
        size = width if _is_int(width) else weight(width)
        lines = str(value).count("\n") + 1 if text is not None else 1
        if lines * size > MAX_SIZE:
            raise _too_big()
    elif name == "replace" and text is not None:
        old = str(args[0] if args else kwargs.get("old", ""))
        new = str(args[1] if len(args) > 1 else kwargs.get("new", ""))
        count = args[2] if len(args) > 2 else kwargs.get("count")
        times = text.count(old) if old else len(text) + 1
        if _is_int(count) and count >= 0:
            times = min(times, count)
        if len(text) + times * max(len(new) - len(old), 0) > MAX_SIZE:
            raise _too_big()
    elif name in {"wordwrap", "urlize"}:
        if weight(value) > MAX_SLOW_INPUT:
            raise _too_big(MAX_SLOW_INPUT)
        wrap = args[2] if len(args) > 2 else kwargs.get("wrapstring")
        if name == "wordwrap" and wrap is not None:
            width = args[0] if args else kwargs.get("width", 79)
            breaks = weight(value) // max(width if _is_int(width) else 1, 1) + 1
            if breaks * weight(wrap) > MAX_SIZE:
                raise _too_big()
    elif name == "format":
        check_percent_format(value, (args, kwargs))
    elif name in {"batch", "slice"}:
        count = args[0] if args else kwargs.get("linecount", kwargs.get("slices", 1))
        if _is_int(count) and count > MAX_SIZE:
            raise _too_big()
    elif name == "tojson":
        indent = args[0] if args else kwargs.get("indent")
        if _is_int(indent) and indent > 16:
            raise _too_big()


# Filters that do not turn their value into a text: their input is not weighed (``items|length``
# stays cheap inside a loop).
_SHALLOW = frozenset((
    "abs", "attr", "batch", "count", "d", "default", "dictsort", "first", "float", "groupby",
    "int", "items", "last", "length", "list", "map", "max", "min", "random", "reject",
    "rejectattr", "reverse", "round", "select", "selectattr", "slice", "sort", "unique", "money",
    "date", "longdate", "percent", "filesizeformat",
))  # fmt: skip


def _guard_filter(name: str, func):  # noqa: ANN001, ANN202
    """`func` (a filter) within the budget: measured before, its result measured after."""
    skip = 1 if _PassArg.from_obj(func) is not None else 0

    @functools.wraps(func)
    def guarded(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        _step()
        if len(args) > skip:
            value, rest = args[skip], args[skip + 1 :]
            if name == "join":
                joiner = rest[0] if rest else kwargs.get("d", "")
                value = bounded_items(value, weight(joiner))
                args = (*args[:skip], value, *rest)
            elif name == "sum" or isinstance(value, Iterator):
                value = bounded_items(value)
                args = (*args[:skip], value, *rest)
            elif name not in _SHALLOW:
                check_size(value)
            _amplifying_checks(name, value, rest, kwargs)
        result = func(*args, **kwargs)
        if isinstance(result, (str, bytes, list, tuple)) and len(result) > MAX_SIZE:
            raise _too_big()
        if isinstance(result, Iterator):
            return metered_iter(result)
        return result

    return guarded


def metered_iter(values: Iterable) -> Iterator:
    """The items of a loop, one step of the budget each."""
    for item in values:
        _step()
        yield item


# ---- methods of texts

_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})
_REFUSED_METHODS = frozenset({"translate", "maketrans"})


def _check_text_method(obj: object, args: tuple, kwargs: dict) -> tuple:
    """The arguments of a call to a text's method, checked (and a join's items made a list)."""
    method = getattr(obj, "__wrapped__", obj)
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str):
        return args
    name = getattr(method, "__name__", "")
    if name in _REFUSED_METHODS:
        raise SecurityError(f"the method {name!r} of a text is not available in templates")
    if name in _WIDTH_METHODS and args and _is_int(args[0]) and args[0] > MAX_SIZE:
        raise _too_big()
    if name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if _is_int(size) and owner.count("\t") * size > MAX_SIZE:
            raise _too_big()
    if name == "replace":
        _amplifying_checks("replace", owner, args, kwargs)
    if name == "join" and args:
        args = (bounded_items(args[0], len(owner)), *args[1:])
    if name in {"format", "format_map"}:
        check_brace_format(owner, args, kwargs)
    return args


# ---- the environment


class _BudgetCodeGenerator(CodeGenerator):
    """Compiles ``~`` through a measured join."""

    def visit_Concat(self, node: nodes.Concat, frame) -> None:  # noqa: ANN001, N802
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"environment.checked_concat({func_name}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _safe_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise BudgetExceeded(f"{MAX_RANGE} numbers for a range")
    return numbers


def _finalize(value: object) -> object:
    """Every ``{{ ... }}`` output: measured (the render counts what it yields, `concat` what a
    block or a macro gathers)."""
    if not isinstance(value, str) and weight(value) > MAX_SIZE:
        raise _too_big()
    _step()
    return value


class BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, within the budget of the render under way (see the module)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BudgetCodeGenerator

    def __init__(self, **options) -> None:  # noqa: ANN003
        options.setdefault("finalize", _finalize)
        super().__init__(**options)
        self.globals["range"] = _safe_range
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}

    def add_filters(self, **filters) -> None:  # noqa: ANN003
        """Add filters, each within the budget."""
        self.filters.update({name: _guard_filter(name, f) for name, f in filters.items()})

    @staticmethod
    def metered_iter(values: Iterable) -> Iterator:
        return metered_iter(values)

    @staticmethod
    def checked_concat(join, parts: tuple) -> str:  # noqa: ANN001
        _step()
        if sum(weight(p) for p in parts) > MAX_SIZE:
            raise _too_big()
        return join(parts)

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """The output of a block, a macro or a ``{% set %}``: at most `MAX_OUTPUT`."""
        parts = list(parts)
        if sum(len(p) for p in parts) > MAX_OUTPUT:
            raise BudgetExceeded(f"{MAX_OUTPUT} characters of output")
        return "".join(parts)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in list(tree.find_all(nodes.For)):
            meter = nodes.EnvironmentAttribute("metered_iter", lineno=loop.iter.lineno)
            loop.iter = nodes.Call(meter, [loop.iter], [], None, None, lineno=loop.iter.lineno)
        return tree

    def call_binop(self, context, operator: str, left, right):  # noqa: ANN001, ANN201
        _step()
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_product(left, right)
        elif operator == "+":
            _check_sum(left, right)
        elif operator == "%":
            check_percent_format(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201, N805
        _step()
        args = _check_text_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)
