/* tarihkg query page: YASGUI (served from node_modules) + the example gallery + results drawn
   as a timeline (date values) or a map (latitude/longitude values). A shared or example query
   runs as the page opens; result links to the dataset's IRIs open this server's pages and show
   the label from a ?xLabel column; an error is one readable line. No inline script; data from
   the endpoint is only ever written with textContent / setAttribute, never as markup. */
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  if (!host || typeof Yasgui === "undefined") { return; }
  var SVG = "http://www.w3.org/2000/svg";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var endpoint = host.getAttribute("data-endpoint");
  var initial = host.getAttribute("data-query");
  var base = host.getAttribute("data-base");
  var tr = host.getAttribute("data-lang") === "tr";
  var errorLine = document.getElementById("query-error");

  /* "error at 1:25: expected one of ..." -> "Line 1, column 25: expected one of ..." */
  function readable(status, body) {
    var text = (body || "").trim().split("\n")[0];
    if (errorLine) { errorLine.hidden = true; }
    var m = /error at (\d+):(\d+): (.*)$/.exec(text);
    if (m) {
      return (tr ? "Satır " + m[1] + ", sütun " + m[2] + ": beklenen: "
                 : "Line " + m[1] + ", column " + m[2] + ": ") + m[3].replace(/^expected /, tr ? "" : "expected ");
    }
    if (status === 403 && /SERVICE/.test(text)) {
      return tr ? "Bu birleşik (SERVICE) sorguya burada izin verilmiyor: sunucuyu işleten kişi uç noktayı TARIHKG_SERVICE_ALLOWLIST ile izin listesine eklemelidir (ör. TARIHKG_SERVICE_ALLOWLIST=https://query.wikidata.org/sparql tarihkg serve)."
                : "This federated (SERVICE) query is not allowed here: the operator must add the endpoint to the allowlist, e.g. TARIHKG_SERVICE_ALLOWLIST=https://query.wikidata.org/sparql tarihkg serve.";
    }
    return text.replace(/^\d{3} [A-Za-z ]+: /, "") || (status + "");
  }

  /* YASQE reports a failed request as an Error whose message is the response body
     ("400 Bad Request: malformed query: error at 1:25: ..."): show it as one line. */
  function showError(err) {
    var body = (err && err.message) || String(err || "");
    var status = parseInt(body.slice(0, 3), 10);
    if (errorLine) { errorLine.textContent = readable(status, body); errorLine.hidden = false; }
  }

  var yasgui = new Yasgui(host, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: initial, persistenceId: null },
    yasr: { persistenceId: null }
  });

  function tab() { return yasgui.getTab(); }

  /* Accessible names for the controls YASGUI builds without one. */
  function nameControls() {
    var named = [[".CodeMirror textarea", tr ? "SPARQL sorgusu" : "SPARQL query"],
                 ["input.autocomplete", tr ? "Uç nokta" : "Endpoint"],
                 [".tableSizer select, .yasr select", tr ? "Sayfa başına satır" : "Rows per page"],
                 [".yasr input[type=search], .yasr input[type=text]", tr ? "Sonuçlarda ara" : "Filter the results"]];
    named.forEach(function (pair) {
      Array.prototype.forEach.call(host.parentNode.querySelectorAll(pair[0]), function (node) {
        if (!node.getAttribute("aria-label")) { node.setAttribute("aria-label", pair[1]); }
      });
    });
    Array.prototype.forEach.call(host.querySelectorAll(".CodeMirror-scroll"), function (node) {
      node.setAttribute("tabindex", "0");
    });
  }

  function shareUrl(query) {
    return window.location.pathname + "?query=" + encodeURIComponent(query);
  }

  function setQuery(text, run) {
    var t = tab();
    t.getYasqe().setValue(text);
    if (run) { t.getYasqe().query(); }
  }

  var share = document.getElementById("share-link");
  function updateShare() {
    if (share) { share.setAttribute("href", shareUrl(tab().getYasqe().getValue())); }
  }
  yasgui.on("query", updateShare);

  var links = document.querySelectorAll("a.example-query");
  Array.prototype.forEach.call(links, function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      setQuery(a.getAttribute("data-query"), true);
      updateShare();
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", shareUrl(a.getAttribute("data-query")));
      }
    });
  });

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* A date: typed xsd:date/dateTime/gYear, or an EDTF day, month or year string. */
  function isDate(term) {
    if (!term || term.type !== "literal") { return false; }
    var dt = term.datatype || "";
    return dt === XSD + "date" || dt === XSD + "dateTime" || dt === XSD + "gYear" ||
      /^\d{4}(-\d{2}(-\d{2})?)?$/.test(term.value);
  }

  function rowLabel(binding, vars) {
    for (var i = 0; i < vars.length; i++) {
      var b = binding[vars[i]];
      if (b && b.type === "literal" && !isDate(b) && isNaN(parseFloat(b.value))) { return b.value; }
    }
    for (var j = 0; j < vars.length; j++) { if (binding[vars[j]]) { return binding[vars[j]].value; } }
    return "";
  }

  function drawTimeline(bindings, vars, dateVar, box) {
    var points = [];
    bindings.forEach(function (b) {
      var t = Date.parse(b[dateVar] && b[dateVar].value);
      if (!isNaN(t)) { points.push({ t: t, label: rowLabel(b, vars) }); }
    });
    if (!points.length) { return false; }
    var min = Math.min.apply(null, points.map(function (p) { return p.t; }));
    var max = Math.max.apply(null, points.map(function (p) { return p.t; }));
    if (max === min) { max = min + 86400000; }
    var w = 900, h = 80;
    var svg = el("svg", { viewBox: "0 0 " + w + " " + h, "class": "timeline result-timeline" });
    svg.appendChild(el("line", { x1: 20, y1: 40, x2: w - 20, y2: 40, "class": "axis" }));
    svg.appendChild(el("text", { x: 20, y: 70, "class": "year" }, new Date(min).toISOString().slice(0, 10)));
    svg.appendChild(el("text", { x: w - 110, y: 70, "class": "year" }, new Date(max).toISOString().slice(0, 10)));
    points.forEach(function (p) {
      var x = 20 + (w - 40) * (p.t - min) / (max - min);
      var c = el("circle", { cx: x.toFixed(1), cy: 40, r: 5, "class": "event" });
      c.appendChild(el("title", {}, new Date(p.t).toISOString().slice(0, 10) + " " + p.label));
      svg.appendChild(c);
    });
    box.appendChild(svg);
    return true;
  }

  function findVar(vars, pattern) {
    for (var i = 0; i < vars.length; i++) { if (pattern.test(vars[i])) { return vars[i]; } }
    return null;
  }

  function drawMap(bindings, vars, latVar, lonVar, box) {
    var pts = [];
    bindings.forEach(function (b) {
      var lat = parseFloat(b[latVar] && b[latVar].value), lon = parseFloat(b[lonVar] && b[lonVar].value);
      if (!isNaN(lat) && !isNaN(lon)) { pts.push({ lat: lat, lon: lon, label: rowLabel(b, vars) }); }
    });
    if (!pts.length) { return false; }
    var west = Math.min.apply(null, pts.map(function (p) { return p.lon; })) - 0.5;
    var east = Math.max.apply(null, pts.map(function (p) { return p.lon; })) + 0.5;
    var south = Math.min.apply(null, pts.map(function (p) { return p.lat; })) - 0.5;
    var north = Math.max.apply(null, pts.map(function (p) { return p.lat; })) + 0.5;
    var k = Math.cos((north + south) / 2 * Math.PI / 180);
    var w = 900, h = Math.max(120, w * (north - south) / ((east - west) * k));
    var svg = el("svg", { viewBox: "0 0 " + w + " " + h.toFixed(0), "class": "map result-map" });
    svg.appendChild(el("rect", { x: 0, y: 0, width: w, height: h.toFixed(0), "class": "sea" }));
    pts.forEach(function (p) {
      var x = w * (p.lon - west) / (east - west), y = h * (north - p.lat) / (north - south);
      var c = el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 5, "class": "place has-events" });
      c.appendChild(el("title", {}, p.label));
      svg.appendChild(c);
      svg.appendChild(el("text", { x: (x + 7).toFixed(1), y: (y - 5).toFixed(1), "class": "placelabel" }, p.label));
    });
    box.appendChild(svg);
    return true;
  }

  /* Links to the dataset's IRIs open this server's pages; a ?x column with a ?xLabel column
     beside it shows the label as the link text. */
  function localise(yasr) {
    var table = yasr.resultsEl && yasr.resultsEl.querySelector("table");
    if (!table) { return; }
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
      var cells = tr.querySelectorAll("td");
      Array.prototype.forEach.call(cells, function (td, i) {
        var a = td.querySelector("a[href^='" + base + "']");
        if (!a) { return; }
        a.setAttribute("href", "/" + a.getAttribute("href").slice(base.length));
        a.removeAttribute("target");
        var labelAt = heads.indexOf(heads[i] + "Label");
        if (labelAt < 0) { labelAt = heads.indexOf(heads[i] + "_label"); }
        var label = labelAt >= 0 && cells[labelAt] ? cells[labelAt].textContent.trim() : "";
        var quoted = /^"([\s\S]*)"(@[A-Za-z-]+|\^\^\S+)?$/.exec(label);
        if (quoted) { label = quoted[1]; }
        if (label) { a.textContent = label; }
        Array.prototype.forEach.call(a.parentNode.childNodes, function (n) {
          if (n.nodeType === 3 && /^\s*[<>]\s*$/.test(n.textContent)) { n.textContent = ""; }
        });
      });
    });
  }

  function render(results) {
    if (errorLine) { errorLine.hidden = true; errorLine.textContent = ""; }
    var section = document.getElementById("result-views");
    var tl = document.getElementById("result-timeline");
    var mp = document.getElementById("result-map");
    tl.textContent = ""; mp.textContent = "";
    section.hidden = true;
    if (!results || !results.getBindings) { return; }
    var bindings = results.getBindings() || [];
    var vars = results.getVariables() || [];
    var dateVar = null;
    vars.forEach(function (v) { if (!dateVar && bindings.some(function (b) { return isDate(b[v]); })) { dateVar = v; } });
    var shown = false;
    if (dateVar) { shown = drawTimeline(bindings, vars, dateVar, tl) || shown; }
    var latVar = findVar(vars, /^lat(itude)?$/i), lonVar = findVar(vars, /^(lon|long|lng|longitude)$/i);
    if (latVar && lonVar) { shown = drawMap(bindings, vars, latVar, lonVar, mp) || shown; }
    section.hidden = !shown;
  }

  /* YASR draws the results after the response is parsed: draw our views when it has. */
  function attach(t) {
    if (!t || t.tarihkgViews) { return; }
    t.tarihkgViews = true;
    t.getYasqe().on("error", function (instance, err) { showError(err || instance); });
    t.getYasr().on("drawn", function (yasr) {
      if (!yasr.results || !yasr.results.hasError()) { render(yasr.results); }
      localise(yasr);
      nameControls();
    });
  }
  attach(tab());
  nameControls();
  if (host.getAttribute("data-run") === "true") {
    tab().getYasqe().query().catch(function (err) { showError(err); });
  }
  yasgui.on("tabSelect", function (instance, id) { attach(yasgui.getTab(id)); });
  yasgui.on("query", function (instance, t) { attach(t); });
}());
