"""What an indicator is made of, declared as passive records (indicators.md).

- A `Source` is an extract as the indicators see it: one SQL view of its records
  (with derived columns such as "is a re-referral"), the date that places a
  record in a period, and the store tables it needs.
- A `Dimension` is one way of splitting a source's records into categories
  (`exploitation_type`, `injury_level`, `section`): its SQL and every category
  in reporting order (a category with no records still has its 0 row).
- A `Measure` is one aggregate over a source's records: a count of records, a
  sum of a value (for a mean's numerator), or a count of distinct identifiers
  (children, returns, sessions). Counts and sums of records **add up**: the
  months of a quarter give the quarter, the cells of a breakdown give the whole.
  Distinct counts do not.
- An `Indicator` is the PLG's figure: a numerator (a measure, perhaps
  restricted to some categories), for a `%` or a `mean` a denominator, its unit,
  polarity and breakdowns, and the definition in words.

The indicator table, the disclosure audit's relations, the charts, the
definitions appendix and the explorer's menus all derive from these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["count", "%", "mean"]
Polarity = Literal["higher", "lower", "none"]
WindowKind = Literal["period", "rolling_12_months"]
Aggregate = Literal["count", "sum", "distinct"]

UNITS: tuple[str, ...] = ("count", "%", "mean")
POLARITIES: tuple[str, ...] = ("higher", "lower", "none")
WINDOW_KINDS: tuple[str, ...] = ("period", "rolling_12_months")
AGGREGATES: tuple[str, ...] = ("count", "sum", "distinct")
NOT_RECORDED = "not_recorded"  # the category of records with no value, for optional columns
NOT_RECORDED_LABEL = "Not recorded"


@dataclass(frozen=True)
class Source:
    """An extract (or a linkage of extracts) as the indicators read it.

    `records_sql` is a query over the attached store (`store.<table>`) giving one
    row per record with the columns the measures and dimensions use; it is
    formatted with `{start}` and `{end}` (the earliest and latest day any asked
    window needs) and `{lookback_start}` (12 months before `{start}`), all SQL
    date literals. `counted_sql`, when given, is an equivalent view that counts
    records per day and per combination of the columns the measures use (a
    column `records`), so that national-scale extracts are reduced before they
    meet the periods; measures over such a source count with `sum(r.records)`.
    `counted_table`, when given, is the store table `dscp load` writes with
    `counted_sql` over every record whenever the source's tables change: the
    look-back is then paid once per load, not once per read, and a read takes
    the days it needs from that table while it is current (`compute.counted`;
    otherwise, as for a store written before it existed, through `counted_sql`).

    A record is in a window when its `date_column` falls in it, or, for spells
    (`end_column` set), when the spell is open on any day of it: it starts on or
    before the window's last day and its end is empty or on or after its first.

    `periodic`: its records come in exercises (the OSA's yearly returns), so a
    window that starts before the first record is not short of data; otherwise a
    rolling window that starts before the month of the first record loaded
    undercounts, and its figure is marked incomplete (never compared).
    """

    name: str
    title: str
    tables: tuple[str, ...]
    date_column: str
    records_sql: str
    counted_sql: str | None = None
    counted_table: str | None = None
    end_column: str | None = None
    identifiers: tuple[str, ...] = ()
    periodic: bool = False

    def sql(self, counted: bool = True, precounted: bool = False) -> str:
        """The template the measures aggregate: the counted view when there is one, read from the store's
        `counted_table` when `precounted` (the store holds it)."""
        if counted and precounted and self.counted_table:
            return (f"SELECT * FROM store.{self.counted_table} "
                    f"WHERE {self.date_column} BETWEEN {{start}} AND {{end}}")
        return self.counted_sql if counted and self.counted_sql else self.records_sql


def table_source(name: str, title: str, date_column: str, identifiers: tuple[str, ...] = (),
                 table: str | None = None, periodic: bool = False) -> Source:
    """A source that is an extract's table as loaded: its records dated in the windows asked for."""
    table = table or name
    return Source(name=name, title=title, tables=(table,), date_column=date_column, identifiers=identifiers,
                  periodic=periodic,
                  records_sql=f"SELECT * FROM store.{table} WHERE {date_column} BETWEEN {{start}} AND {{end}}")


@dataclass(frozen=True)
class Dimension:
    """One way of splitting a source's records: the breakdown key, its SQL over a
    record (alias `r`), and its categories in reporting order.

    `categories` None means the categories come from the data (every value the
    source holds, e.g. the organisations that returned an OSA). `not_recorded`:
    records with no value form their own category (`not_recorded`), so that the
    cells of a breakdown always add up to the whole. `history_months`: a figure
    restricted by this dimension needs that many months of records before its
    window (a re-referral looks back 12 months); one for a window starting sooner
    after the source's first record undercounts, and is not compared.
    """

    key: str
    title: str
    sql: str
    categories: tuple[str, ...] | None
    labels: tuple[str, ...] = ()
    not_recorded: bool = False
    history_months: int = 0

    @property
    def category_sql(self) -> str:
        """The category of a record (NULL only when the dimension has no `not_recorded` category)."""
        return f"coalesce(CAST({self.sql} AS VARCHAR), '{NOT_RECORDED}')" if self.not_recorded else (
            f"CAST({self.sql} AS VARCHAR)"
        )

    def all_categories(self, found: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Every category in reporting order (`found`: the data's, for data-driven categories)."""
        declared = self.categories if self.categories is not None else tuple(sorted(set(found) - {NOT_RECORDED}))
        return declared + ((NOT_RECORDED,) if self.not_recorded else ())

    def label(self, category: str) -> str:
        """The reader's name of a category (the code itself when no label is declared)."""
        if category == NOT_RECORDED and self.not_recorded:
            return NOT_RECORDED_LABEL
        if self.labels and self.categories and category in self.categories:
            return self.labels[self.categories.index(category)]
        return category


def vocabulary_dimension(key: str, title: str, vocabulary, **options) -> Dimension:
    """A dimension over a column coded from a vocabulary of the contract (`key` is the column): its codes in
    the contract's order, each labelled by its description with a capital letter."""
    return Dimension(key=key, title=title, sql=f"r.{key}", categories=tuple(c.code for c in vocabulary),
                     labels=tuple(c.label[:1].upper() + c.label[1:] for c in vocabulary), **options)


def flag_dimension(key: str, title: str, yes: str, no: str, history_months: int = 0) -> Dimension:
    """A yes/no dimension from a boolean column of the source's records (`key` is the column)."""
    return Dimension(key=key, title=title, sql=f"CASE WHEN r.{key} THEN 'yes' ELSE 'no' END",
                     categories=("yes", "no"), labels=(yes, no), history_months=history_months)


@dataclass(frozen=True)
class Measure:
    """One aggregate over a source's records in a window.

    `sql` is the aggregate over the records (alias `r`), giving 0 when no record
    matches. `aggregate` says what it adds up to: `count` (records: additive over
    months and categories), `sum` (a value summed over records, additive too;
    `value_sql` is the value per record and `value_range` its smallest and
    largest possible value; `counted_by` names the count measure of the same
    records), or `distinct` (distinct identifiers: not additive).
    `window`: `period` counts records dated in the period; `rolling_12_months`
    those in the 12 months that end on the period's last day.
    `window_sql` (distinct measures only) replaces the generic aggregation by a
    query over `{windows}` (period, window_start, window_end) and `{records}`
    giving `period, value` (for a figure like "children with 3 or more episodes
    in the 12 months").
    """

    id: str
    source: str
    aggregate: Aggregate
    sql: str
    description: str
    dimensions: tuple[Dimension, ...] = ()
    window: WindowKind = "period"
    value_sql: str | None = None
    value_range: tuple[float, float] | None = None
    counted_by: str | None = None
    window_sql: str | None = None

    @property
    def additive(self) -> bool:
        return self.aggregate in ("count", "sum")

    def dimension(self, key: str) -> Dimension:
        for dim in self.dimensions:
            if dim.key == key:
                return dim
        raise KeyError(f"measure {self.id!r} has no dimension {key!r}")


@dataclass(frozen=True)
class Ref:
    """A measure, perhaps restricted to some categories (`where`: dimension key -> codes)."""

    measure: Measure
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @staticmethod
    def of(measure: Measure, **where: str | tuple[str, ...]) -> Ref:
        items = tuple(sorted((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in where.items()))
        return Ref(measure, items)

    @property
    def filters(self) -> dict[str, tuple[str, ...]]:
        return dict(self.where)


@dataclass(frozen=True)
class Indicator:
    """One PLG indicator, exactly as `indicators.md` defines it.

    `breakdowns` lists the ways the figure is broken down, each a tuple of
    dimension keys of the numerator's measure (`(("section", "rating"),)` is one
    two-way breakdown; `(("route",), ("organisation_type",))` two separate ones).
    `denominator_by`: the breakdown keys the denominator is split by — None (the
    default) means the same cell as the numerator ("completions by route / places
    by route"); `()` means the whole figure ("injuries at each level / all
    injuries"); `("section",)` a share within each section.

    Presentation, declared here too: `chart` (how a breakdown is drawn);
    `chart_with`, the id of an earlier indicator of the theme with the same unit
    whose breakdown chart this one's joins, side by side ("places booked and
    completed by route"); `monthly_chart` False when its monthly chart would
    repeat a neighbour's (knowledge before and after, beside the gain): its
    SPC reading and sparkline stay in the summary.
    """

    id: str
    title: str
    theme: str
    unit: Unit
    polarity: Polarity
    definition: str
    numerator_words: str
    numerator: Ref
    denominator_words: str = ""
    denominator: Ref | None = None
    denominator_by: tuple[str, ...] | None = None
    breakdowns: tuple[tuple[str, ...], ...] = ()
    include_all: bool = True
    caveats: str = ""
    short_title: str = ""
    value_label: str = ""
    chart: Literal["bars", "ranked_bars", "stacked"] = "bars"
    chart_with: str = ""
    monthly_chart: bool = True
    spc: bool = True
    tags: tuple[str, ...] = field(default=(), compare=False)

    @property
    def label(self) -> str:
        """A short name for menus, legends and summary rows."""
        return self.short_title or self.title

    @property
    def window(self) -> WindowKind:
        return self.numerator.measure.window

    @property
    def measures(self) -> tuple[Measure, ...]:
        return (self.numerator.measure,) + ((self.denominator.measure,) if self.denominator else ())

    def breakdown_keys(self) -> tuple[str, ...]:
        """Every breakdown key in declaration order, each once."""
        return tuple(dict.fromkeys(k for b in self.breakdowns for k in b))

    def dimension(self, key: str) -> Dimension:
        return self.numerator.measure.dimension(key)

    @property
    def has_breakdown(self) -> bool:
        return bool(self.breakdowns)

    @property
    def history_months(self) -> int:
        """Months of records its figures need before their window (0: none)."""
        refs = (self.numerator,) + ((self.denominator,) if self.denominator else ())
        return max([r.measure.dimension(k).history_months for r in refs for k, _ in r.where] or [0])

    @property
    def has_monthly_series(self) -> bool:
        """Charted month by month (SPC): a whole figure counted in the period (a rolling window is not)."""
        return self.spc and self.include_all and self.window == "period"
