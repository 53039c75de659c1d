"""The Jinja environment templates render in: a sandbox with bounded time, loops and sizes.

Templates travel between offices by e-mail, so a template must be as safe to open as a document:
it can read the context it is given and nothing else (Jinja's immutable sandbox refuses private
attributes such as `__init__`), it can call only a short list of harmless methods, and every way of
making work or memory grow without bound is capped: loop iterations and `range` sizes per render,
the length of any string it builds, integer arguments of filters and methods, the rendered output and
the wall-clock time of one render. Breaking a bound raises TemplateLimitError (a SecurityError)."""

from __future__ import annotations

import contextlib
import contextvars
import re
import time
from typing import Any, Callable, Iterable, Iterator

from jinja2 import StrictUndefined, Template, nodes
from jinja2.filters import make_attrgetter, sync_do_join
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace, pass_eval_context

# Bounds of one render (one template part). Generous for any real ledger, tiny for an attacker.
MAX_ITERATIONS = 2_000_000  # loop iterations and range items, all loops of one render together
MAX_STRING = 4_000_000  # characters of any string a template builds
MAX_OUTPUT = 128_000_000  # characters of one rendered part (a checklist of 10,000 rows is ~26 million, 30,000 ~78)
MAX_INT_ARG = 10_000  # integer arguments of filters and methods (widths, counts, precisions)
MAX_SECONDS = 60.0  # wall-clock time of one render
MAX_BUILD_SECONDS = 180.0  # time spent rendering in one run: every document of every workbook (see render_budget)
MAX_SOURCE = 16_000_000  # characters of one template part, checked before it is compiled
MAX_TAGS = 20_000  # {{ }} and {% %} tags of one template part (the shipped templates have under 100)

# Methods a template may call (on strings, the context's dicts and lists). Everything else is refused.
SAFE_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "strip",
        "lstrip",
        "rstrip",
        "split",
        "rsplit",
        "splitlines",
        "upper",
        "lower",
        "title",
        "capitalize",
        "casefold",
        "count",
        "find",
        "rfind",
        "index",
        "rindex",
        "partition",
        "rpartition",
        "isdigit",
        "isdecimal",
        "isnumeric",
        "isalpha",
        "isalnum",
        "isspace",
        "isupper",
        "islower",
        "replace",
        "join",
        "format",
        "format_map",
        "get",
        "items",
        "keys",
        "values",
        "removeprefix",
        "removesuffix",
        "next",
        "reset",
        "cycle",
        "changed",  # Jinja's cycler and loop helpers
        "strftime",
        "isoformat",  # dates, should a context ever pass one
    }
)
# Filters whose integer arguments are sizes (widths, counts): those are capped at MAX_INT_ARG.
_SIZED_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice", "round", "filesizeformat"})
# Integers a template may build: bit length of any operand of * and ** (a million-digit number is not a figure).
_MAX_INT_BITS = 4096
# A width of five digits, a width taken from the arguments (`*`, or a nested field `{:{}}`).
_FORMAT_WIDTH_RE = re.compile(r"\d{5,}|[*]|\{[^{}]*\{")
# Filters that turn their arguments into text: a container argument is weighed before it is printed.
_TEXT_FILTERS = frozenset(
    {
        "string",
        "pprint",
        "tojson",
        "format",
        "e",
        "escape",
        "forceescape",
        "center",
        "indent",
        "truncate",
        "wordwrap",
        "upper",
        "lower",
        "title",
        "capitalize",
        "trim",
        "striptags",
        "urlencode",
        "replace",
        "wordcount",
    }
)
_TAG_RE = re.compile(r"\{[{%]")


class RenderBudget:
    """Seconds of rendering left for a whole run (all the documents of every workbook a build makes, and
    the templates' trial render): only the time spent inside renders is counted, so reading ledgers,
    writing files and converting PDFs never use it up."""

    def __init__(self, seconds: float, parent: RenderBudget | None = None) -> None:
        self.seconds = seconds
        self.remaining = seconds
        self.parent = parent

    def spend(self, seconds: float) -> None:
        budget: RenderBudget | None = self
        while budget is not None:
            budget.remaining -= seconds
            budget = budget.parent


_BUILD_BUDGET: contextvars.ContextVar[RenderBudget | None] = contextvars.ContextVar(
    "rectify_render_budget", default=None
)


@contextlib.contextmanager
def render_budget(seconds: float | None = None) -> Iterator[RenderBudget]:
    """One time budget for every render inside the block (all the documents of a build, every workbook
    of a run): each render still has its own MAX_SECONDS, and together they render at most `seconds`.
    A nested block spends from the outer one too (it never adds time)."""
    if seconds is None:
        seconds = MAX_BUILD_SECONDS
    outer = _BUILD_BUDGET.get()
    if outer is not None and outer.remaining <= seconds:
        yield outer
        return
    budget = RenderBudget(seconds, outer)
    token = _BUILD_BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUILD_BUDGET.reset(token)


class _TimedTemplate(Template):
    """A template whose renders are timed against the run's RenderBudget (see RenderSandbox)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        env = self.environment
        budget = getattr(env, "budget", None)
        if budget is None:
            return super().render(*args, **kwargs)
        start = time.monotonic()
        if start + budget.remaining < env.deadline:  # type: ignore[attr-defined]
            env.deadline = start + budget.remaining  # type: ignore[attr-defined]
            env.budget_bound = True  # type: ignore[attr-defined]
        try:
            return super().render(*args, **kwargs)
        finally:
            budget.spend(time.monotonic() - start)


def check_source(source: str) -> None:
    """Refuse a template part too large to compile (its size and its number of tags), before any work."""
    if len(source) > MAX_SOURCE:
        raise TemplateLimitError(
            f"template of {len(source)} characters exceeds {MAX_SOURCE}",
            f"模板过大（一个部分超过 {MAX_SOURCE} 个字符）",
        )
    tags = 0
    for _ in _TAG_RE.finditer(source):
        tags += 1
        if tags > MAX_TAGS:
            raise TemplateLimitError(f"more than {MAX_TAGS} tags", f"模板中的标签过多（超过 {MAX_TAGS} 个）")


class TemplateLimitError(SecurityError):
    """Raised when a template breaks one of the render bounds (loops, sizes, time, forbidden calls)."""

    def __init__(self, message: str, chinese: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.chinese = chinese
        self.timed_out = timed_out  # the time bound, not a count or size


def _too_long(n: int) -> TemplateLimitError:
    return TemplateLimitError(
        f"string of {n} characters exceeds {MAX_STRING}", f"模板生成的文字过长（超过 {MAX_STRING} 个字符）"
    )


def _check_len(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_STRING:
        raise _too_long(len(value))
    return value


def _check_int_args(name: str, args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_INT_ARG:
            raise TemplateLimitError(
                f"argument {arg} of {name} exceeds {MAX_INT_ARG}", f"模板中“{name}”的数值参数过大（超过 {MAX_INT_ARG}）"
            )


def _check_amplification(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse join / replace / format calls whose result would pass MAX_STRING before they run."""
    if name == "replace" and isinstance(value, str) and len(args) >= 2 and isinstance(args[1], str):
        if len(value) + (len(value) + 1) * len(args[1]) > MAX_STRING:
            raise _too_long(len(value) * max(len(args[1]), 1))
    if name == "join":
        items = value if not isinstance(value, str) else (args[0] if args else ())
        sep = value if isinstance(value, str) else (args[0] if args else kwargs.get("d", ""))
        if isinstance(items, (list, tuple)) and isinstance(sep, str) and len(items) * len(sep) > MAX_STRING:
            raise _too_long(len(items) * len(sep))
    if name in ("format", "format_map") and isinstance(value, str) and _FORMAT_WIDTH_RE.search(value):
        raise TemplateLimitError("format width not allowed", "模板的格式化字符串中有过大的宽度或“*”")


def _check_growth(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse indent / wordwrap whose result (a width or a string added per line) would pass MAX_STRING."""
    if not isinstance(value, str):
        return
    if name == "indent":
        width = args[0] if args else kwargs.get("width", 4)
        per_line = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
        if len(value) + (value.count("\n") + 1) * per_line > MAX_STRING:
            raise _too_long(len(value) + (value.count("\n") + 1) * per_line)
    elif name == "wordwrap":
        width = args[0] if args else kwargs.get("width", 79)
        wrap = args[2] if len(args) > 2 else kwargs.get("wrapstring", "\n")
        if isinstance(width, int) and width > 0 and isinstance(wrap, str):
            size = len(value) + (len(value) // width + 1) * len(wrap)
            if size > MAX_STRING:
                raise _too_long(size)


def _bounded_binop(op: str, func: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def run(left: Any, right: Any) -> Any:
        if op == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_STRING:
                    raise _too_long(len(seq) * n)
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > _MAX_INT_BITS
            ):
                raise TemplateLimitError("number too large", "模板中的数值过大")
        elif op == "**":
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and abs(left) > 1
                and max(left.bit_length(), 1) * abs(right) > _MAX_INT_BITS
            ):
                raise TemplateLimitError("power too large", "模板中的乘方数值过大")
        elif op == "%" and isinstance(left, str):
            if _FORMAT_WIDTH_RE.search(left):
                raise TemplateLimitError("format width not allowed", "模板的格式化字符串中有过大的宽度或“*”")
        elif op == "+":
            if (
                isinstance(left, (str, list, tuple))
                and isinstance(right, (str, list, tuple))
                and len(left) + len(right) > MAX_STRING
            ):
                raise _too_long(len(left) + len(right))
        return func(left, right)

    return run


class RenderSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with autoescape, strict undefined and per-render bounds.

    Make one per document: the loop budget and the clock are counted from its creation.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, max_seconds: float = MAX_SECONDS) -> None:
        super().__init__(
            autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False, finalize=self._finalize
        )
        self.template_class = _TimedTemplate
        self.deadline = time.monotonic() + max_seconds
        self.budget = _BUILD_BUDGET.get()  # the run's render time left, spent by each render
        self.budget_bound = False  # the deadline is the budget's, not this render's own
        self.iterations = 0
        self._weights: dict[int, tuple[Any, int]] = {}  # id -> (container, weight), for this render
        self._weighing: set[int] = set()
        self.globals.pop("lipsum", None)
        self.filters.pop("safe", None)  # ledger text is always escaped; raw XML would carry fields and links
        self.filters.pop("urlize", None)  # repeats its arguments once per address: HTML only, of no use in Word
        self.filters["join"] = self._join
        self.globals["range"] = self._range
        for op in self.intercepted_binops:
            self.binop_table[op] = self._weighed_binop(op, _bounded_binop(op, self.binop_table[op]))
        self.filters = {name: self._bounded_filter(name, f) for name, f in self.filters.items()}
        self.filters["_rectify_iter"] = self._guard_iter
        self.filters["_rectify_str"] = _check_len
        self.filters["_rectify_concat"] = self._concat_parts

    # -- sizes of values before they become text ---------------------------------------------------

    def weight(self, value: Any) -> int:
        """About how many characters `value` takes as text (str() or repr()), counted without making
        the text; containers are weighed once per render (the immutable sandbox cannot change them),
        and a count stops soon after it passes MAX_STRING."""
        if isinstance(value, str):
            return len(value)
        if isinstance(value, bool) or value is None:
            return 5
        if isinstance(value, int):
            return value.bit_length() // 3 + 2
        if isinstance(value, Namespace):  # changes with every {% set ns.x %}: never cached
            attrs = object.__getattribute__(value, "_Namespace__attrs")
            return 14 + sum(self.weight(k) + self.weight(v) + 4 for k, v in attrs.items())
        if not isinstance(value, (list, tuple, dict, set, frozenset)):
            return 24
        key = id(value)
        known = self._weights.get(key)
        if known is not None and known[0] is value:
            return known[1]
        if key in self._weighing:  # a container holding itself prints as [...]
            return 5
        self._weighing.add(key)
        try:
            total = 2
            items: Iterable[Any] = value.items() if isinstance(value, dict) else value
            for item in items:
                total += self.weight(item) + 2
                if total > MAX_STRING:
                    break
        finally:
            self._weighing.discard(key)
        self._weights[key] = (value, total)
        return total

    def _check_weight(self, *values: Any) -> None:
        total = 0
        for value in values:
            total += self.weight(value)
            if total > MAX_STRING:
                raise _too_long(total)

    def _finalize(self, value: Any) -> Any:
        """Every {{ }} value: a container is weighed before it is printed."""
        if not isinstance(value, str):
            self._check_weight(value)
        return value

    @pass_eval_context
    def _concat_parts(self, eval_ctx: EvalContext, parts: tuple[Any, ...]) -> str:
        """`a ~ b ~ c`: the parts are weighed before they are joined (Jinja would join, then we'd measure)."""
        self._check_weight(*parts)
        return markup_join(parts) if eval_ctx.autoescape else str_join(parts)

    def _bounded_items(self, value: Iterable[Any], sep: Any) -> list[Any]:
        """The items of a join, counted and weighed one by one: refused before the joined text exists."""
        items = []
        step = self.weight(sep)
        total = 0
        for item in value:
            self._tick()
            total += self.weight(item) + step
            if total > MAX_STRING:
                raise _too_long(total)
            items.append(item)
        return items

    @pass_eval_context
    def _join(self, eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
        """Jinja's join over any iterable (a range, a generator, a list), bounded as it goes."""
        if attribute is not None:
            value = map(make_attrgetter(self, attribute), value)
        return sync_do_join(eval_ctx, self._bounded_items(value, d), d)

    def _weighed_binop(self, op: str, func: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        if op != "%":
            return func

        def run(left: Any, right: Any) -> Any:
            if isinstance(left, str):
                self._check_weight(left, right)
            return func(left, right)

        return run

    # -- time and loop budget ------------------------------------------------------------------

    def _tick(self, n: int = 1) -> None:
        self.iterations += n
        if self.iterations > MAX_ITERATIONS:
            raise TemplateLimitError(
                f"more than {MAX_ITERATIONS} loop iterations", f"模板的循环次数过多（超过 {MAX_ITERATIONS} 次）"
            )
        if time.monotonic() > self.deadline:
            if self.budget_bound and self.budget is not None:
                raise TemplateLimitError(
                    "the run's render budget is spent",
                    f"本次运行中各文档的模板生成合计超过 {self.budget.seconds:g} 秒（可能有过多或无尽的循环；"
                    "台账很多时，请分批生成）",
                    timed_out=True,
                )
            raise TemplateLimitError(
                "render took too long", "模板生成时间过长（可能有过多或无尽的循环）", timed_out=True
            )

    def _range(self, *args: int) -> range:
        rng = range(*args)
        self._tick(len(rng))
        return rng

    def _guard_iter(self, iterable: Any) -> Iterator[Any]:
        if isinstance(iterable, (str, list, tuple)):
            _check_len(iterable)
        for item in iterable:
            self._tick()
            yield item

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse, then route every loop through the iteration budget and every `~` through the size check."""
        check_source(source)
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_rectify_iter", [], [], None, None, lineno=loop.lineno)
        for parent in list(tree.find_all(nodes.Node)):
            for field in parent.fields:
                value = getattr(parent, field, None)
                if isinstance(value, nodes.Concat):
                    setattr(parent, field, self._weighed_concat(value))
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, nodes.Concat):
                            value[i] = self._weighed_concat(item)
        return tree

    @staticmethod
    def _weighed_concat(node: nodes.Concat) -> nodes.Filter:
        parts = nodes.Tuple(node.nodes, "load", lineno=node.lineno)
        return nodes.Filter(parts, "_rectify_concat", [], [], None, None, lineno=node.lineno)

    # -- calls -------------------------------------------------------------------------------

    def _bounded_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        skip = 1 if hasattr(func, "jinja_pass_arg") else 0  # context / eval context / environment first

        def run(*args: Any, **kwargs: Any) -> Any:
            self._tick()
            if name in _SIZED_FILTERS:
                _check_int_args(name, (*args[skip:], *kwargs.values()))
            if name in _TEXT_FILTERS:
                self._check_weight(*args[skip:], *kwargs.values())
            if len(args) > skip:
                _check_amplification(name, args[skip], tuple(args[skip + 1 :]), kwargs)
                _check_growth(name, args[skip], tuple(args[skip + 1 :]), kwargs)
            return _check_len(func(*args, **kwargs))

        for attr in ("jinja_pass_arg",):
            if hasattr(func, attr):
                setattr(run, attr, getattr(func, attr))
        return run

    def is_safe_callable(self, obj: Any) -> bool:
        """Only our globals, Jinja's helpers and a short list of harmless methods may be called."""
        if not super().is_safe_callable(obj):
            return False
        owner = getattr(obj, "__self__", None)
        if owner is not None and not isinstance(owner, type(self)) and not callable(owner):
            return getattr(obj, "__name__", "") in SAFE_METHODS
        return True

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805,B902
        """Call `__obj` from template code, within the bounds."""
        __self._tick()
        if not __self.is_safe_callable(__obj):
            name = getattr(__obj, "__name__", type(__obj).__name__)
            raise TemplateLimitError(f"{name} is not allowed in templates", f"模板调用了不允许的函数或方法“{name}”")
        name = getattr(__obj, "__name__", "")
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_int_args(name, (*args, *kwargs.values()))
            if name == "join" and args:
                args = (__self._bounded_items(args[0], owner), *args[1:])
            __self._check_weight(owner, *args, *kwargs.values())
            _check_amplification(name, owner, args, kwargs)
        return _check_len(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format through Jinja's sandboxed formatter, refusing huge widths."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _FORMAT_WIDTH_RE.search(str(value.__self__)):
            raise TemplateLimitError("format width not allowed", "模板的格式化字符串中有过大的宽度或“*”")
        return wrapped

    # -- output ------------------------------------------------------------------------------

    def concat(self, parts: Iterable[str]) -> str:
        """Join a render's output, refusing it when it grows past MAX_OUTPUT."""
        out: list[str] = []
        size = 0
        for piece in parts:
            size += len(piece)
            if size > MAX_OUTPUT:
                raise TemplateLimitError(
                    f"output of more than {MAX_OUTPUT} characters", f"模板生成的文档过大（超过 {MAX_OUTPUT} 个字符）"
                )
            out.append(piece)
        return "".join(out)
