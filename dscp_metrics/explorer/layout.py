"""The explorer's widgets and how they are laid out: a labelled grid of controls that fits a laptop.

Every control carries its own label (`description`, a real `<label>` for screen
readers) in a column of fixed width. The grid puts two labelled controls side
by side when there is room (from about 800 pixels: a 1366-pixel laptop screen
with JupyterLab's file browser open) and one under the other when there is
not; the indicator and the range always take the whole row. No text is cut
off: labels are short and may wrap, menus take the width they are given, the
range is spelled out beside its slider, and tab titles fit their tabs.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

from ..present.palette import GRID, MUTED, RESTRICTED
from .view import CHART_TYPES, GRANULARITIES, NO_BREAKDOWN

LABEL_WIDTH = "9em"
FIELD_MIN_WIDTH = "390px"
CHART_MIN_HEIGHT = "200px"  # keeps the page from jumping while a chart is redrawn
SUPPRESS_LABEL = "Hide small numbers ([c]) as the pack does"
RESTRICTED_LABEL = "RESTRICTED view: unsuppressed small numbers"
TAB_TITLES = ("Numbers", "Definition", "Records (restricted)")
EXPLORER_CLASS = "dscp-explorer"

# Scoped to the explorer: the pack's table and definition classes, readable in JupyterLab's own theme.
CSS = f"""<style>
.{EXPLORER_CLASS} .widget-label, .{EXPLORER_CLASS} .widget-label-basic,
.{EXPLORER_CLASS} .widget-label-basic span {{ white-space: normal; overflow: visible; line-height: 1.2; }}
.{EXPLORER_CLASS} .widget-checkbox {{ height: auto; min-height: var(--jp-widgets-inline-height); }}
.{EXPLORER_CLASS} table.dscp-table {{ border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }}
.{EXPLORER_CLASS} table.dscp-table caption {{ text-align: left; font-weight: bold; padding: 4px 0; }}
.{EXPLORER_CLASS} table.dscp-table th, .{EXPLORER_CLASS} table.dscp-table td {{
  padding: 3px 10px; border-bottom: 1px solid {GRID}; text-align: left; }}
.{EXPLORER_CLASS} table.dscp-table .dscp-num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.{EXPLORER_CLASS} dl.dscp-definition {{ display: grid; grid-template-columns: minmax(8em, 14em) 1fr;
  gap: 4px 12px; margin: 4px 0; }}
.{EXPLORER_CLASS} dl.dscp-definition dt {{ font-weight: bold; float: none; width: auto; }}
.{EXPLORER_CLASS} dl.dscp-definition dd {{ margin: 0; float: none; }}
.{EXPLORER_CLASS} .widget-html-content {{ line-height: 1.4; }}
.{EXPLORER_CLASS} table.dscp-records th, .{EXPLORER_CLASS} table.dscp-records td {{ padding: 2px 8px;
  border-bottom: 1px solid {GRID}; text-align: left; white-space: nowrap; }}
.{EXPLORER_CLASS} .dscp-muted {{ color: {MUTED}; }}
.{EXPLORER_CLASS} .dscp-scroll {{ max-height: 460px; overflow: auto; }}
.{EXPLORER_CLASS} .dscp-scroll thead th {{ position: sticky; top: 0; background: #fff; }}
.{EXPLORER_CLASS} .lm-TabBar-tab {{ min-width: 11em; }}
</style>"""


def restricted_badge() -> str:
    return (f'<span style="color:#fff;background:{RESTRICTED};padding:2px 8px;font-weight:bold">'
            f"{html.escape(RESTRICTED_LABEL)}</span>")


def build_widgets(indicator_options: list, indicator: str, suppress: bool) -> SimpleNamespace:
    """Every widget of the explorer, laid out (`ui.widget` is the whole explorer)."""
    import ipywidgets as w

    style = {"description_width": LABEL_WIDTH}
    fill = {"width": "auto", "flex": "1 1 0%", "min_width": "0"}
    ui = SimpleNamespace()
    ui.indicator = w.Dropdown(description="Indicator", options=indicator_options, value=indicator, style=style,
                              layout=fill)
    ui.chart = w.ToggleButtons(description="Chart", options=[(v, k) for k, v in CHART_TYPES.items()],
                               value="spc", style={**style, "button_width": "auto"}, layout=fill)
    ui.granularity = w.ToggleButtons(description="Periods", options=[(v, k) for k, v in GRANULARITIES.items()],
                                     value="quarter", style={**style, "button_width": "auto"}, layout=fill)
    for toggles in (ui.chart, ui.granularity):
        toggles.add_class("widget-inline-hbox")  # its label beside the buttons, as for the other controls
    ui.period_range = w.SelectionRangeSlider(description="Range", options=["-"], index=(0, 0), readout=False,
                                             continuous_update=False, style=style, layout=fill)
    ui.range_readout = w.HTML(layout={"flex": "0 0 auto", "margin": "0 0 0 10px"})
    ui.breakdown = w.Dropdown(description="Breakdown", options=[("none", NO_BREAKDOWN)], style=style, layout=fill)
    ui.focus = w.Dropdown(description="Period in focus", options=["-"], style=style, layout=fill,
                          tooltip="The period the Breakdown chart and the records show")
    ui.suppress = w.Checkbox(value=suppress, description=SUPPRESS_LABEL, indent=True, style=style, layout=fill)
    ui.restricted_label = w.HTML(restricted_badge(), layout={"align_self": "center"})

    def pair(*fields):
        """Side by side where there is room, one under the other where there is not."""
        return w.GridBox(list(fields), layout=w.Layout(
            grid_template_columns=f"repeat(auto-fit, minmax({FIELD_MIN_WIDTH}, 1fr))", grid_gap="4px 16px",
            width="100%"))

    row = {"width": "100%", "align_items": "center"}
    controls = w.VBox(
        [w.HBox([ui.indicator], layout=row), pair(ui.chart, ui.granularity),
         w.HBox([ui.period_range, ui.range_readout], layout=row), pair(ui.breakdown, ui.focus),
         pair(ui.suppress, ui.restricted_label)],
        layout=w.Layout(width="100%", max_width="1100px", grid_gap="4px"))
    controls.add_class("dscp-controls")
    ui.range_note, ui.chart_title = w.HTML(), w.HTML()
    ui.chart_area = w.Output(layout={"min_height": CHART_MIN_HEIGHT})
    ui.reading, ui.numbers, ui.definition, ui.records = w.HTML(), w.HTML(), w.HTML(), w.HTML()
    ui.category = w.Dropdown(description="Records of", options=[("All", ())], style=style,
                             layout={"width": "auto", "min_width": "24em"})
    ui.records_button = w.Button(description="Show records", icon="table", layout={"width": "auto"})
    ui.hide_records_button = w.Button(description="Hide records", layout={"width": "auto"})
    records_tab = w.VBox([w.HBox([ui.category, ui.records_button, ui.hide_records_button],
                                 layout={"flex_flow": "row wrap", "grid_gap": "6px"}), ui.records])
    ui.tabs = w.Tab(children=[ui.numbers, ui.definition, records_tab], layout={"width": "100%"})
    ui.tabs.titles = TAB_TITLES
    ui.export_button = w.Button(description="Export this view", icon="download", layout={"width": "auto"})
    ui.status = w.HTML(layout={"margin": "0 0 0 10px"})
    ui.export_note = w.Output()
    ui.widget = w.VBox([w.HTML(CSS), controls, ui.range_note, ui.chart_title, ui.chart_area, ui.reading, ui.tabs,
                        w.HBox([ui.export_button, ui.status], layout={"align_items": "center"}), ui.export_note],
                       layout={"width": "100%"})
    ui.widget.add_class(EXPLORER_CLASS)
    return ui
