/* DSCP Think Tank pack: small behaviours, no network, no libraries beyond plotly.js.
   Printing: open every collapsed table so the printed copy has the numbers, and redraw every chart at the
   printed width (plotly keeps its on-screen pixel width otherwise); put both back afterwards. */
(function () {
  "use strict";
  var opened = [];
  function charts() { return Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot")); }
  function resize() {
    if (!window.Plotly) { return; }
    charts().forEach(function (chart) { try { window.Plotly.Plots.resize(chart); } catch (e) { /* a chart that cannot resize keeps its size */ } });
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
  /* A link to a table inside a closed <details> opens it. */
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target) { var d = target.querySelector("details") || target.closest("details"); if (d) { d.setAttribute("open", ""); } }
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);
})();
