/* DSCP Think Tank pack: small behaviours, no network, no libraries beyond plotly.js.
   Printing: plotly keeps a chart's on-screen pixel width when the page is laid out for paper, so a chart drawn
   in a wide window is clipped (plotly.js #1275). Once the charts are drawn, each gets a copy redrawn at the
   printed column width (an SVG image, Plotly.toImage) that print CSS shows instead of the live chart; it scales
   to its column whatever the window's width. Before printing, collapsed blocks are opened and the live charts
   resized too (a fallback for a chart whose copy is not made yet); both are put back afterwards.
   Drawing once, not twice: see fittedLayout; drawing once the page is read: see drawOnce. */
(function () {
  "use strict";
  var PRINT_WIDTH = 360;      /* CSS px: half the A4 printable width (190 mm = 718 px) less the gap */
  var PRINT_HEIGHT_SCALE = 0.74;
  var PRINT_FONT_SIZE = 11;   /* px in a 360 px drawing printed about 92 mm wide: about 8 pt */
  var MIN_PLOT_SIZE = 64;     /* px: plotly's minreducedwidth and minreducedheight, the plot it keeps */
  var LEFT_PAD = [13, 1.54];  /* px + em beside the widest left label: tick, gaps, the axis's title */
  var BOTTOM_PAD = [13, 1.47];  /* px + em for the x axis's tick labels, and per line of its title: */
  var TITLE_LINE = 1.3;       /* em */
  var opened = [];
  var measure = null;
  function widest(lines, font) {
    measure = measure || document.createElement("canvas").getContext("2d");
    measure.font = font;
    return lines.reduce(function (w, line) { return Math.max(w, measure.measureText(line).width); }, 0);
  }
  /* plotly's automargin finds the room the axis labels need by drawing a chart, then draws it again with the
     margins grown: a third of the pack's drawing time. Each figure says what its left margin holds and how many
     lines its x title has (layout.meta.dscp_margins, present/margins.py); measured in the reader's own font, they
     give margins that already fit, so the first drawing is the only one. automargin stays on: a short estimate
     costs the second drawing, never a clipped label. Null (plotly's own way) without a hint, on any error, or when
     the chart is too narrow or too short to keep MIN_PLOT_SIZE of plot beside the margins (plotly shrinks them). */
  function fittedLayout(layout, width, fontSize) {
    try { return fit(layout, width, fontSize); } catch (e) { return null; /* plotly's own way */ }
  }
  function fit(layout, width, fontSize) {
    var hint = layout && layout.meta && layout.meta.dscp_margins;
    if (!hint || !(width > 0)) { return null; }
    var font = layout.font || {};
    var size = fontSize || font.size || 12;
    var base = layout.margin || {};
    var left = Math.ceil(widest(hint.left || [], size + "px " + (font.family || "sans-serif")) + LEFT_PAD[0] + LEFT_PAD[1] * size);
    var bottom = Math.ceil(BOTTOM_PAD[0] + (BOTTOM_PAD[1] + TITLE_LINE * (hint.bottom_lines || 1)) * size);
    var margin = Object.assign({}, base, {l: Math.max(base.l || 0, left), b: Math.max(base.b || 0, bottom)});
    if (width - margin.l - (margin.r || 0) < MIN_PLOT_SIZE) { return null; }
    if (layout.height && layout.height - margin.b - (margin.t || 0) < MIN_PLOT_SIZE) { return null; }
    return labelsKept(Object.assign({}, layout, {margin: margin}));
  }
  /* With margins that fit, no tick label can stick out of the chart, so none need be hidden for doing so: each
     axis's labels are drawn as they are (ticklabeloverflow "allow"). plotly's default on number and date axes,
     "hide past div", measures every label again for each label it places: a fifth of the pack's drawing time.
     Where the margins do not fit (null above), plotly's default stays, so a squeezed chart hides a label rather
     than cutting it. An axis that says how its labels overflow keeps its own. */
  function labelsKept(layout) {
    Object.keys(layout).forEach(function (key) {
      if (isAxis(key) && layout[key] && !layout[key].ticklabeloverflow) {
        layout[key] = Object.assign({}, layout[key], {ticklabeloverflow: "allow"});
      }
    });
    return layout;
  }
  function isAxis(key) { return /^[xy]axis\d*$/.test(key); }
  function labelsAsOwn(drawnLayout, own) {
    Object.keys(drawnLayout).forEach(function (key) {
      if (isAxis(key) && drawnLayout[key] && !(own[key] && own[key].ticklabeloverflow)) {
        delete drawnLayout[key].ticklabeloverflow;
      }
    });
  }
  /* Each chart is drawn from its fitted layout; once drawn, its layout holds the figure's own margins and label
     overflow again, so a resize starts from them, as it would without this. */
  function drawFitted(newPlot, self, args) {
    var id = args[0], layout = args[2];
    var gd = typeof id === "string" ? document.getElementById(id) : id;
    var fitted = gd && fittedLayout(layout, gd.clientWidth);
    if (!fitted) { return newPlot.apply(self, args); }
    return Promise.resolve(newPlot.call(self, gd, args[1], fitted, args[3])).then(function (drawn) {
      if (drawn && drawn.layout === fitted) { drawn.layout.margin = layout.margin; labelsAsOwn(drawn.layout, layout); }
      return drawn;
    });
  }
  /* Drawing after reading: a chart met while the page is still being read waits until it is all read
     (DOMContentLoaded), then the charts are drawn in page order (the order their waits were taken). Drawn while
     the page grows, each chart's measuring makes the browser lay out the page read so far again, and the columns
     still change width (the scroll bar appears); drawn after, they are laid out once at their final width: about
     a fifth less time. */
  var read = new Promise(function (resolve) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", resolve); } else { resolve(); }
  });
  var drawings = [];
  function drawOnce(plotly) {
    var newPlot = plotly.newPlot;
    plotly.newPlot = function () {
      var self = this, args = arguments;
      if (document.readyState !== "loading") { return drawFitted(newPlot, self, args); }
      var drawing = read.then(function () { return drawFitted(newPlot, self, args); });
      drawings.push(drawing);
      return drawing;
    };
  }
  if (window.Plotly && window.Plotly.newPlot) { drawOnce(window.Plotly); }
  function charts() { return Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot")); }
  function resize() {
    if (!window.Plotly) { return; }
    charts().forEach(function (chart) { try { window.Plotly.Plots.resize(chart); } catch (e) { /* keeps its size */ } });
  }
  /* A chart's print copy; `again`: drawn anew (its series shown or hidden since), replacing the one it has. */
  function printCopy(chart, again) {
    var holder = chart.closest(".dscp-plot");
    if (!holder || !chart._fullLayout || (!again && holder.querySelector("img.dscp-print-copy"))) { return Promise.resolve(); }
    var height = Math.round(chart._fullLayout.height * PRINT_HEIGHT_SCALE);
    var layout = Object.assign({}, chart.layout, {width: PRINT_WIDTH, height: height,
      font: Object.assign({}, chart.layout.font, {size: PRINT_FONT_SIZE})});  /* its legend is the page's */
    var figure = {data: chart.data, layout: fittedLayout(layout, PRINT_WIDTH, PRINT_FONT_SIZE) || layout};
    return window.Plotly.toImage(figure, {format: "svg", width: PRINT_WIDTH, height: height}).then(function (url) {
      var img = document.createElement("img");
      img.className = "dscp-print-copy";
      img.alt = "";  /* the chart's text alternative is on its holder (role="img") */
      img.width = PRINT_WIDTH;
      img.height = height;
      img.src = url;
      dropCopy(holder);
      holder.appendChild(img);
      holder.classList.add("dscp-has-print-copy");
    }, function () { dropCopy(holder); /* no copy (none out of date): the live chart prints, resized */ });
  }
  function dropCopy(holder) {
    var copy = holder.querySelector("img.dscp-print-copy");
    if (copy) { holder.removeChild(copy); }
    holder.classList.remove("dscp-has-print-copy");
  }
  /* One copy of a chart drawn at a time, in the order asked: the last one drawn shows the chart as it is. */
  function copyInTurn(chart, again) {
    chart._dscpCopy = (chart._dscpCopy || Promise.resolve()).then(function () { return printCopy(chart, again); });
    return chart._dscpCopy;
  }
  function printCopies() {
    if (!window.Plotly || !window.Plotly.toImage) { return; }
    resize();  /* a chart drawn while the page was still being laid out takes its column's final width */
    charts().reduce(function (done, chart) { return done.then(function () { return copyInTurn(chart); }); },
                    Promise.resolve()).then(function () { document.documentElement.setAttribute("data-print-ready", ""); });
  }
  function beforePrint() {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.setAttribute("open", ""); opened.push(d); });
    document.body.classList.add("dscp-printing");
    resize();
  }
  function afterPrint() {
    opened.forEach(function (d) { d.removeAttribute("open"); });
    opened = [];
    document.body.classList.remove("dscp-printing");
    resize();
  }
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  if (window.matchMedia) {
    var query = window.matchMedia("print");
    var listener = function (e) { if (e.matches) { beforePrint(); } else { afterPrint(); } };
    if (query.addEventListener) { query.addEventListener("change", listener); } else if (query.addListener) { query.addListener(listener); }
  }
  /* A chart's legend (present/legend.py) is a list of buttons above it: each hides or shows its series, as a
     click on plotly's legend would, and the chart's print copy is drawn again to match. */
  function toggleSeries(button) {
    var legend = button.closest(".dscp-legend");
    var chart = legend && document.getElementById(legend.getAttribute("data-chart"));
    if (!chart || !chart._fullLayout || !window.Plotly) { return; }  /* not drawn yet */
    var shown = button.getAttribute("aria-pressed") !== "true";
    var traces = button.getAttribute("data-traces").split(" ").map(Number);
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    window.Plotly.restyle(chart, {visible: shown ? true : "legendonly"}, traces).then(
      function () { copyInTurn(chart, true); }, function () { /* the chart as it was */ });
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest(".dscp-legend-entry");
    if (button) { toggleSeries(button); }
  });
  /* A link to a table inside a closed <details> opens it. */
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target) {
      var d = target.tagName === "DETAILS" ? target : (target.querySelector("details") || target.closest("details"));
      if (d) { d.setAttribute("open", ""); }
    }
  }
  /* The printed appendix of numbers: each table is in the page once, under its chart; copy it into its place. */
  function fillPrintTables() {
    document.querySelectorAll(".dscp-print-table[data-numbers]").forEach(function (slot) {
      var source = document.getElementById(slot.getAttribute("data-numbers"));
      var table = source && source.querySelector("table");
      if (table && !slot.firstChild) {
        var copy = table.cloneNode(true);
        copy.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
        slot.appendChild(copy);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", fillPrintTables);
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);
  window.addEventListener("load", function () {  /* after DOMContentLoaded: every chart that waited is drawing */
    Promise.all(drawings).then(printCopies, printCopies);
  });
})();
